-- The privacy policy and the controller's records (modules/privacy, issue 14).
--
-- Policy versions belong to the whole deployment (DentalPro's policy as processor, and what each
-- practice as controller relies on): no practice id, no row-level security; a version is never
-- changed once published (the app role may read and add, not update or delete). The texts may
-- hold two placeholders filled in when shown, from configuration: {{third_parties}} (the register
-- of hosting, authentication, messaging and email providers) and {{contact_email}}.
CREATE TABLE privacy_policy_versions (
  version integer PRIMARY KEY CHECK (version > 0),
  -- The "Last updated" date people see.
  effective_date date NOT NULL,
  -- A material change: staff see a notice until they acknowledge it, and owners are emailed.
  material boolean NOT NULL DEFAULT false,
  summary_en text NOT NULL CHECK (length(summary_en) BETWEEN 1 AND 1000),
  summary_fr text NOT NULL CHECK (length(summary_fr) BETWEEN 1 AND 1000),
  text_en text NOT NULL CHECK (length(text_en) BETWEEN 1 AND 100000),
  text_fr text NOT NULL CHECK (length(text_fr) BETWEEN 1 AND 100000),
  published_at timestamptz NOT NULL DEFAULT now()
);
-- Versions follow each other in date order (a version dated before the current one is refused by
-- the service with policy_version_outdated; this keeps it true under concurrent publishing too).
CREATE FUNCTION privacy_policy_versions_in_order() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM privacy_policy_versions WHERE version < NEW.version AND effective_date > NEW.effective_date) THEN
    RAISE EXCEPTION 'policy version % is dated before an earlier version', NEW.version USING ERRCODE = '23514';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER privacy_policy_versions_in_order BEFORE INSERT ON privacy_policy_versions
  FOR EACH ROW EXECUTE FUNCTION privacy_policy_versions_in_order();

-- Who acknowledged which material version (per person, whatever the practice they read it in).
CREATE TABLE privacy_policy_acknowledgements (
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  version integer NOT NULL REFERENCES privacy_policy_versions (version),
  acknowledged_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, version)
);
GRANT SELECT, INSERT ON privacy_policy_versions TO dentalpro_app;
GRANT SELECT, INSERT ON privacy_policy_acknowledgements TO dentalpro_app;

-- The practice's breach register: the facts the Data Protection Commissioner asks for, and when
-- the Commissioner and the people affected were told (72 hours from discovery for the former).
-- Descriptions are the owner's words about an incident, never a patient's record.
CREATE TABLE privacy_breaches (
  practice_id uuid NOT NULL REFERENCES practices (id) DEFAULT current_practice_id(),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  discovered_at timestamptz NOT NULL,
  -- When it happened, when known.
  occurred_at timestamptz,
  description text NOT NULL CHECK (length(description) BETWEEN 1 AND 4000),
  data_categories text[] NOT NULL CHECK (cardinality(data_categories) > 0),
  people_affected integer NOT NULL CHECK (people_affected >= 0),
  likely_consequences text NOT NULL CHECK (length(likely_consequences) BETWEEN 1 AND 4000),
  measures_taken text NOT NULL CHECK (length(measures_taken) BETWEEN 1 AND 4000),
  commissioner_notified_at timestamptz,
  -- Why the Commissioner was told after the 72 hours (the Act asks for the reasons of a delay).
  delay_reason text CHECK (length(delay_reason) <= 2000),
  people_notified_at timestamptz,
  -- Why the people affected were not told (no high risk to them, measures that remove it, ...).
  people_not_notified_reason text CHECK (length(people_not_notified_reason) <= 2000),
  recorded_by uuid REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (practice_id, id),
  CHECK (occurred_at IS NULL OR occurred_at <= discovered_at),
  CHECK (commissioner_notified_at IS NULL OR commissioner_notified_at >= discovered_at),
  CHECK (people_notified_at IS NULL OR people_notified_at >= discovered_at)
);
CREATE INDEX privacy_breaches_discovered_idx ON privacy_breaches (practice_id, discovered_at DESC);
ALTER TABLE privacy_breaches ENABLE ROW LEVEL SECURITY;
CREATE POLICY practice_isolation ON privacy_breaches USING (practice_id = current_practice_id());
GRANT SELECT, INSERT, UPDATE ON privacy_breaches TO dentalpro_app;

-- The first version: the statement the /privacy page showed from the translation files, rewritten
-- to say what the software does now.
INSERT INTO privacy_policy_versions (version, effective_date, material, summary_en, summary_fr, text_en, text_fr, published_at)
VALUES (
  1,
  '2026-12-06',
  false,
  'First published version: what DentalPro keeps, why, who else handles it, how long it is kept and your rights.',
  'Première version publiée : ce que DentalPro conserve, pourquoi, qui d''autre le traite, combien de temps et vos droits.',
  $en$## Who is responsible

Each dental practice that uses DentalPro is the controller of the personal data it records about its patients and its staff, within the meaning of the Mauritius Data Protection Act 2017. DentalPro is the software the practice uses for this and acts as its processor: it keeps and processes the data only to do what the practice asks of it. Ask your practice first about your data; you can also write to {{contact_email}}.

## What DentalPro keeps

- Patients: name, date of birth, phone numbers, email and address, and the guardian of a child.
- Appointments, recalls and the waiting list.
- Clinical records: the dental chart, findings, treatment plans, clinical notes and documents such as X-rays.
- WhatsApp conversations with the practice: the messages and media exchanged, and whether each was delivered and read.
- Whether a patient agreed to WhatsApp messages, and the requests patients make about their data.
- Staff accounts: name, email, phone, role, a password hash (never the password itself) and two-step sign-in settings.
- An audit trail of who did what and when, including who opened a patient's record.

## Why

Only to run the practice: to book appointments and remind patients of them, to provide and document dental care, to communicate with patients, and to meet the practice's legal duties such as keeping clinical records. Health data is a special category of personal data under the Act: it is processed for the patient's care, by people bound by professional secrecy.

## WhatsApp messages

WhatsApp messages are used only for booking and for communication between the practice and its patients. They are never sold, and never shared for advertising or any other purpose. A patient's phone number is used to match their messages with their record, and the history of the conversation is kept so that the practice and its booking assistant know what was said before. Reply STOP at any time to stop the messages the practice sends on its own initiative, such as reminders.

## Who else handles the data

DentalPro relies on these third parties. Each is bound by contract to protect the data and to use it only to provide its service:

{{third_parties}}

## How it is protected

- Patient data is open only to authorised members of the practice, and each role sees only what it needs: a receptionist does not read clinical notes.
- Clinical records and secrets (two-step keys, messaging credentials) are encrypted in the database, with keys of their own for each practice.
- The application is reached over HTTPS and loads nothing from other websites: no advertising, no analytics, no fonts from elsewhere.
- Every change, and every opening of a patient's record, is written to an audit trail whose entries are chained, so that an altered entry shows.
- Server logs leave out names, phone numbers, message text and clinical content.
- If personal data is lost or reaches the wrong people, the practice records it and tells the Data Protection Commissioner within 72 hours, and the people affected when it puts them at high risk.

## How long data is kept

Patient records are kept as Mauritian healthcare rules require: clinical records for 11 years after the last visit, and a child's until the later of their 25th birthday and 11 years after the last visit. The content of WhatsApp messages is kept for 2 years after the last message. Each practice's record of processing lists every kind of data and how long it is kept. Data is deleted on request wherever the law allows; what must be kept is kept until its date and then deleted.

## Your rights

As a patient you can ask your practice to:

- give you a copy of the data it holds about you;
- correct what is wrong;
- delete your data, except what the law requires it to keep, and that only until the required date;
- restrict or object to some uses of your data;
- stop messaging you on WhatsApp (withdraw your consent): reply STOP, or tell the reception.

Ask at the reception, by email, or on WhatsApp ("I want a copy of my data"). The practice answers within one month.

## Changes to this policy

When this policy changes, its "Last updated" date changes and the earlier versions stay readable on this page. The practices' staff and owners are told of every material change.

## Questions and complaints

Ask your practice first, or write to {{contact_email}}. You may also complain to the Data Protection Office of Mauritius, which oversees the Data Protection Act 2017.$en$,
  $fr$## Qui est responsable

Chaque cabinet dentaire qui utilise DentalPro est responsable du traitement des données personnelles qu'il enregistre sur ses patients et son personnel, au sens de la loi mauricienne de 2017 sur la protection des données (Data Protection Act 2017). DentalPro est le logiciel que le cabinet utilise pour cela et agit comme son sous-traitant : il conserve et traite les données uniquement pour faire ce que le cabinet lui demande. Pour toute question sur vos données, adressez-vous d'abord à votre cabinet ; vous pouvez aussi écrire à {{contact_email}}.

## Ce que DentalPro conserve

- Patients : nom, date de naissance, numéros de téléphone, e-mail et adresse, et le tuteur d'un enfant.
- Les rendez-vous, les rappels de suivi et la liste d'attente.
- Le dossier clinique : le schéma dentaire, les constatations, les plans de traitement, les notes cliniques et les documents comme les radiographies.
- Les conversations WhatsApp avec le cabinet : les messages et médias échangés, et s'ils ont été remis et lus.
- L'accord d'un patient pour recevoir des messages WhatsApp, et les demandes que les patients font au sujet de leurs données.
- Les comptes du personnel : nom, e-mail, téléphone, rôle, une empreinte du mot de passe (jamais le mot de passe lui-même) et les réglages de connexion en deux étapes.
- Un journal d'audit de qui a fait quoi et quand, y compris qui a ouvert le dossier d'un patient.

## Pourquoi

Uniquement pour faire fonctionner le cabinet : prendre les rendez-vous et les rappeler aux patients, dispenser et documenter les soins dentaires, communiquer avec les patients, et remplir les obligations légales du cabinet, comme la conservation des dossiers cliniques. Les données de santé sont une catégorie particulière de données au sens de la loi : elles sont traitées pour les soins du patient, par des personnes tenues au secret professionnel.

## Les messages WhatsApp

Les messages WhatsApp servent uniquement à la prise de rendez-vous et aux échanges entre le cabinet et ses patients. Ils ne sont jamais vendus, ni partagés à des fins publicitaires ou pour tout autre but. Le numéro de téléphone d'un patient sert à relier ses messages à son dossier, et l'historique de la conversation est conservé pour que le cabinet et son assistant de réservation sachent ce qui a été dit auparavant. Répondez STOP à tout moment pour arrêter les messages que le cabinet envoie de sa propre initiative, comme les rappels.

## Qui d'autre traite les données

DentalPro s'appuie sur les tiers suivants. Chacun est tenu par contrat de protéger les données et de ne les utiliser que pour fournir son service :

{{third_parties}}

## Comment elles sont protégées

- Les données des patients ne sont accessibles qu'aux membres autorisés du cabinet, et chaque rôle ne voit que ce dont il a besoin : un réceptionniste ne lit pas les notes cliniques.
- Les dossiers cliniques et les secrets (clés de connexion en deux étapes, identifiants de messagerie) sont chiffrés dans la base de données, avec des clés propres à chaque cabinet.
- L'application est servie en HTTPS et ne charge rien depuis d'autres sites : ni publicité, ni mesure d'audience, ni polices venues d'ailleurs.
- Chaque modification, et chaque ouverture du dossier d'un patient, est inscrite dans un journal d'audit dont les entrées sont chaînées, de sorte qu'une entrée modifiée se voit.
- Les journaux du serveur omettent les noms, numéros de téléphone, textes des messages et contenus cliniques.
- Si des données personnelles sont perdues ou parviennent aux mauvaises personnes, le cabinet l'inscrit dans son registre et en informe le Commissaire à la protection des données dans les 72 heures, ainsi que les personnes concernées lorsque cela les expose à un risque élevé.

## Combien de temps les données sont conservées

Les dossiers des patients sont conservés comme l'exigent les règles de santé mauriciennes : les dossiers cliniques pendant 11 ans après la dernière visite, et ceux d'un enfant jusqu'à la plus tardive de deux dates, ses 25 ans ou 11 ans après la dernière visite. Le contenu des messages WhatsApp est conservé 2 ans après le dernier message. Le registre des traitements de chaque cabinet indique chaque catégorie de données et sa durée de conservation. Les données sont effacées sur demande partout où la loi le permet ; ce qui doit être conservé l'est jusqu'à sa date, puis effacé.

## Vos droits

En tant que patient, vous pouvez demander à votre cabinet :

- de vous remettre une copie des données qu'il détient sur vous ;
- de corriger ce qui est inexact ;
- d'effacer vos données, sauf ce que la loi l'oblige à conserver, et cela seulement jusqu'à la date requise ;
- de limiter certains usages de vos données ou de vous y opposer ;
- de ne plus vous écrire sur WhatsApp (retrait de votre consentement) : répondez STOP, ou dites-le à l'accueil.

Demandez à l'accueil, par e-mail, ou sur WhatsApp (« je veux une copie de mes données »). Le cabinet répond dans un délai d'un mois.

## Modifications de cette politique

Quand cette politique change, sa date de « Dernière mise à jour » change et les versions précédentes restent consultables sur cette page. Le personnel et les propriétaires des cabinets sont informés de chaque modification importante.

## Questions et réclamations

Adressez-vous d'abord à votre cabinet, ou écrivez à {{contact_email}}. Vous pouvez aussi saisir le Data Protection Office de Maurice, qui veille au respect de la loi de 2017 sur la protection des données.$fr$,
  '2026-12-06T00:00:00Z'
);
