/** Made-up people with names as common in Mauritius (Indo-, Franco-, Sino-Mauritian and Creole families). */
export const FAMILY_NAMES = [
  'Ramgoolam', 'Jugnauth', 'Bérenger', 'Duval', 'Lagesse', 'Li', 'Wong', 'Chan', 'Hossenbux', 'Peerbux',
  'Doorgakant', 'Ramdin', 'Seetohul', 'Bhugun', 'Appadoo', 'Pillay', 'Moutou', 'Naidoo', 'Lebon', 'Labonne',
  'Perrine', 'Cotte', 'Rivet', 'Noël', 'Hardy', 'Maurel', 'Rault', 'Sauzier', 'Koenig', 'de Chazal',
  'Mungur', 'Boodhoo', 'Ramsurrun', 'Gopaul', 'Beeharry', 'Teeluck', 'Soobrayen', 'Veerasamy', 'Emrith', 'Dookhun',
  'Ah-Kong', 'Lam Po Tang', 'Chung', 'Fong', 'Yip', 'Joomun', 'Aumeer', 'Rojoa', 'Sookun', 'Cassam',
];

export const GIVEN_NAMES = [
  'Anjali', 'Priya', 'Kavita', 'Nadia', 'Aisha', 'Fatima', 'Sarita', 'Reshma', 'Deepa', 'Sunita',
  'Hélène', 'Marie', 'Josiane', 'Françoise', 'Mélanie', 'Stéphanie', 'Chloé', 'Emma', 'Léa', 'Camille',
  'Mei', 'Lin', 'Jia', 'Xin',
  'Ravi', 'Vikash', 'Rajesh', 'Anil', 'Sanjay', 'Kevin', 'Yusuf', 'Imran', 'Farhan', 'Arvind',
  'Jean-Marc', 'Jean-Claude', 'Pierre', 'Olivier', 'Thierry', 'Lucas', 'Noah', 'Mathis', 'Gaël', 'Eric',
  'Wei', 'Jun', 'Kwan', 'Ming',
];
