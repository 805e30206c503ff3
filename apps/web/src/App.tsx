import { type ReactElement, Suspense, lazy } from 'react';
import { Navigate, Route, Routes } from 'react-router';
import { Loading } from './components/Loading';
import { ClosureAnnouncementPage } from './features/closures/ClosureAnnouncementPage';
import { MergePatientPage } from './features/patients/MergePatientPage';
import { RequestsPage } from './features/privacy/requests/RequestsPage';
import { LegalHoldsPage } from './features/privacy/retention/LegalHoldsPage';
import { AccountPage } from './features/account/AccountPage';
import { AssistantSettingsPage } from './features/assistant/AssistantSettingsPage';
import { AcceptInvitationPage } from './features/auth/AcceptInvitationPage';
import { EnrolTwoStepPage } from './features/auth/EnrolTwoStepPage';
import { ForgotPasswordPage } from './features/auth/ForgotPasswordPage';
import { LoginPage } from './features/auth/LoginPage';
import { NoPracticePage } from './features/auth/NoPracticePage';
import { ResetPasswordPage } from './features/auth/ResetPasswordPage';
import { PriceListSettingsPage } from './features/clinical/PriceListSettingsPage';
import { ReminderSettingsPage } from './features/reminders/ReminderSettingsPage';
import { CalendarPage } from './features/scheduling/CalendarPage';
import { RecallsPage } from './features/scheduling/RecallsPage';
import { WaitlistPage } from './features/scheduling/WaitlistPage';
import { ScheduleSettingsPage } from './features/scheduling/settings/ScheduleSettingsPage';
import { EditPatientPage } from './features/patients/EditPatientPage';
import { PatientPage } from './features/patients/PatientPage';
import { HomePage } from './features/home/HomePage';
import { InboxPage } from './features/inbox/InboxPage';
import { WhatsAppSettingsPage } from './features/inbox/WhatsAppSettingsPage';
import { PatientsPage } from './features/patients/PatientsPage';
import { PracticeSettingsPage } from './features/practices/PracticeSettingsPage';
import { PrivacyPage } from './features/privacy/PrivacyPage';
import { PrivacyIndex, PrivacyLayout } from './features/privacy/PrivacyLayout';
import { CopyLinkPage } from './features/privacy/requests/CopyLinkPage';
import { SetupPage } from './features/setup/SetupPage';
import { AppShell } from './features/shell/AppShell';
import { NotFoundPage } from './features/shell/NotFoundPage';
import { SettingsLayout } from './features/shell/SettingsLayout';
import { StaffSettingsPage } from './features/staff/StaffSettingsPage';
import { StartPage } from './features/today/StartPage';
import { MyDayPage, TodayPage } from './features/today/TodayPage';
import { DocumentTitle } from './features/shell/DocumentTitle';

// The charts library is read only by the dashboard: its own file, fetched when the dashboard opens.
const DashboardPage = lazy(() =>
  import('./features/reminders/DashboardPage').then((m) => ({ default: m.DashboardPage })),
);

// Pages a practice opens now and then (privacy, audit, import, the sandbox phone) load when
// first opened, so the app's first file stays small for the desk's everyday screens.
const AuditTrailPage = lazy(() =>
  import('./features/audit/AuditTrailPage').then((m) => ({ default: m.AuditTrailPage })),
);
const RetentionPage = lazy(() =>
  import('./features/privacy/retention/RetentionPage').then((m) => ({ default: m.RetentionPage })),
);
const PatientImportPage = lazy(() =>
  import('./features/patients/PatientImportPage').then((m) => ({ default: m.PatientImportPage })),
);
const SandboxPage = lazy(() =>
  import('./features/inbox/sandbox/SandboxPage').then((m) => ({ default: m.SandboxPage })),
);
const RequestPage = lazy(() =>
  import('./features/privacy/requests/RequestPage').then((m) => ({ default: m.RequestPage })),
);
const RequestSettingsPage = lazy(() =>
  import('./features/privacy/requests/RequestSettingsPage').then((m) => ({ default: m.RequestSettingsPage })),
);
const BreachesPage = lazy(() =>
  import('./features/privacy/breaches/BreachesPage').then((m) => ({ default: m.BreachesPage })),
);
const PolicyVersionsPage = lazy(() =>
  import('./features/privacy/policy/PolicyVersionsPage').then((m) => ({ default: m.PolicyVersionsPage })),
);
const RecordsOfProcessingPage = lazy(() =>
  import('./features/privacy/records/RecordsOfProcessingPage').then((m) => ({ default: m.RecordsOfProcessingPage })),
);
const later = (page: ReactElement) => <Suspense fallback={<Loading />}>{page}</Suspense>;

export function App() {
  return (
    <>
      <DocumentTitle />
      <Routes>
        <Route path="/" element={<HomePage />} />
        <Route path="/privacy" element={<PrivacyPage />} />
        <Route path="/copy/:token" element={<CopyLinkPage />} />
        <Route path="/setup" element={<SetupPage />} />
        <Route path="/login" element={<LoginPage />} />
        <Route path="/forgot-password" element={<ForgotPasswordPage />} />
        <Route path="/reset-password" element={<ResetPasswordPage />} />
        <Route path="/invitations/:token" element={<AcceptInvitationPage />} />
        <Route path="/no-practice" element={<NoPracticePage />} />
        <Route path="/enrol-two-step" element={<EnrolTwoStepPage />} />
        <Route path="/sandbox/whatsapp" element={later(<SandboxPage />)} />
        <Route path="/app/:practiceId" element={<AppShell />}>
          <Route index element={<StartPage />} />
          <Route path="today" element={<TodayPage />} />
          <Route path="my-day" element={<MyDayPage />} />
          <Route path="calendar" element={<CalendarPage />} />
          <Route path="patients" element={<PatientsPage />} />
          <Route path="recalls" element={<RecallsPage />} />
          <Route path="waitlist" element={<WaitlistPage />} />
          <Route path="dashboard" element={later(<DashboardPage />)} />
          <Route path="closures/:announcementId" element={<ClosureAnnouncementPage />} />
          <Route path="patients/:patientId/merge" element={<MergePatientPage />} />
          <Route path="patients/:patientId/edit" element={<EditPatientPage />} />
          <Route path="patients/:patientId/:tab?" element={<PatientPage />} />
          <Route path="inbox/:conversationId?" element={<InboxPage />} />
          <Route path="settings" element={<SettingsLayout />}>
            <Route index element={<Navigate to="practice" replace />} />
            <Route path="practice" element={<PracticeSettingsPage />} />
            <Route path="staff" element={<StaffSettingsPage />} />
            <Route path="calendar" element={<Navigate to="chairs" replace />} />
            <Route path="calendar/:section" element={<ScheduleSettingsPage />} />
            <Route path="whatsapp" element={<WhatsAppSettingsPage />} />
            <Route path="assistant" element={<AssistantSettingsPage />} />
            <Route path="reminders" element={<ReminderSettingsPage />} />
            <Route path="import" element={later(<PatientImportPage />)} />
            <Route path="price-list" element={<PriceListSettingsPage />} />
          </Route>
          <Route path="privacy" element={<PrivacyLayout />}>
            <Route index element={<PrivacyIndex />} />
            <Route path="requests" element={<RequestsPage />} />
            <Route path="requests/:requestId" element={later(<RequestPage />)} />
            <Route path="retention" element={later(<RetentionPage />)} />
            <Route path="legal-holds" element={<LegalHoldsPage />} />
            <Route path="records" element={later(<RecordsOfProcessingPage />)} />
            <Route path="breaches" element={later(<BreachesPage />)} />
            <Route path="policy" element={later(<PolicyVersionsPage />)} />
            <Route path="request-settings" element={later(<RequestSettingsPage />)} />
          </Route>
          <Route path="audit" element={later(<AuditTrailPage />)} />
          <Route path="account" element={<AccountPage />} />
          <Route path="*" element={<NotFoundPage />} />
        </Route>
        <Route path="*" element={<NotFoundPage standalone />} />
      </Routes>
    </>
  );
}
