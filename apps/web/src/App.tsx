import { Navigate, Route, Routes } from 'react-router';
import { AccountPage } from './features/account/AccountPage';
import { AuditTrailPage } from './features/audit/AuditTrailPage';
import { AssistantSettingsPage } from './features/assistant/AssistantSettingsPage';
import { AcceptInvitationPage } from './features/auth/AcceptInvitationPage';
import { EnrolTwoStepPage } from './features/auth/EnrolTwoStepPage';
import { ForgotPasswordPage } from './features/auth/ForgotPasswordPage';
import { LoginPage } from './features/auth/LoginPage';
import { NoPracticePage } from './features/auth/NoPracticePage';
import { ResetPasswordPage } from './features/auth/ResetPasswordPage';
import { PriceListSettingsPage } from './features/clinical/PriceListSettingsPage';
import { ReminderSettingsPage } from './features/reminders/ReminderSettingsPage';
import { LegalHoldsPage } from './features/privacy/retention/LegalHoldsPage';
import { RetentionPage } from './features/privacy/retention/RetentionPage';
import { CalendarPage } from './features/scheduling/CalendarPage';
import { RecallsPage } from './features/scheduling/RecallsPage';
import { WaitlistPage } from './features/scheduling/WaitlistPage';
import { ScheduleSettingsPage } from './features/scheduling/settings/ScheduleSettingsPage';
import { PatientImportPage } from './features/patients/PatientImportPage';
import { EditPatientPage } from './features/patients/EditPatientPage';
import { MergePatientPage } from './features/patients/MergePatientPage';
import { PatientPage } from './features/patients/PatientPage';
import { HomePage } from './features/home/HomePage';
import { InboxPage } from './features/inbox/InboxPage';
import { SandboxPage } from './features/inbox/sandbox/SandboxPage';
import { WhatsAppSettingsPage } from './features/inbox/WhatsAppSettingsPage';
import { PatientsPage } from './features/patients/PatientsPage';
import { PracticeSettingsPage } from './features/practices/PracticeSettingsPage';
import { PrivacyPage } from './features/privacy/PrivacyPage';
import { PrivacyIndex, PrivacyLayout } from './features/privacy/PrivacyLayout';
import { CopyLinkPage } from './features/privacy/requests/CopyLinkPage';
import { RequestPage } from './features/privacy/requests/RequestPage';
import { RequestsPage } from './features/privacy/requests/RequestsPage';
import { BreachesPage } from './features/privacy/breaches/BreachesPage';
import { PolicyVersionsPage } from './features/privacy/policy/PolicyVersionsPage';
import { RecordsOfProcessingPage } from './features/privacy/records/RecordsOfProcessingPage';
import { SetupPage } from './features/setup/SetupPage';
import { AppShell } from './features/shell/AppShell';
import { NotFoundPage } from './features/shell/NotFoundPage';
import { SettingsLayout } from './features/shell/SettingsLayout';
import { StaffSettingsPage } from './features/staff/StaffSettingsPage';
import { StartPage } from './features/today/StartPage';
import { MyDayPage, TodayPage } from './features/today/TodayPage';
import { DocumentTitle } from './features/shell/DocumentTitle';

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
        <Route path="/sandbox/whatsapp" element={<SandboxPage />} />
        <Route path="/app/:practiceId" element={<AppShell />}>
          <Route index element={<StartPage />} />
          <Route path="today" element={<TodayPage />} />
          <Route path="my-day" element={<MyDayPage />} />
          <Route path="calendar" element={<CalendarPage />} />
          <Route path="patients" element={<PatientsPage />} />
          <Route path="recalls" element={<RecallsPage />} />
          <Route path="waitlist" element={<WaitlistPage />} />
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
            <Route path="import" element={<PatientImportPage />} />
            <Route path="price-list" element={<PriceListSettingsPage />} />
          </Route>
          <Route path="privacy" element={<PrivacyLayout />}>
            <Route index element={<PrivacyIndex />} />
            <Route path="requests" element={<RequestsPage />} />
            <Route path="requests/:requestId" element={<RequestPage />} />
            <Route path="retention" element={<RetentionPage />} />
            <Route path="legal-holds" element={<LegalHoldsPage />} />
            <Route path="records" element={<RecordsOfProcessingPage />} />
            <Route path="breaches" element={<BreachesPage />} />
            <Route path="policy" element={<PolicyVersionsPage />} />
          </Route>
          <Route path="audit" element={<AuditTrailPage />} />
          <Route path="account" element={<AccountPage />} />
          <Route path="*" element={<NotFoundPage />} />
        </Route>
        <Route path="*" element={<NotFoundPage standalone />} />
      </Routes>
    </>
  );
}
