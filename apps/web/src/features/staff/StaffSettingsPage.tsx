import { ROLES, type Role, type StaffMember } from '@dentalpro/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import type { InviteResultBody, StaffListBody } from '../../api/contracts';
import { Alert } from '../../components/Alert';
import { Button } from '../../components/Button';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { CopyField } from '../../components/CopyField';
import { EmptyState } from '../../components/EmptyState';
import { ErrorAlert } from '../../components/ErrorAlert';
import { fieldError, useErrorMessage } from '../../components/errors';
import { SelectField, TextField } from '../../components/Field';
import { useDateFormat } from '../../components/format';
import { Loading } from '../../components/Loading';
import { useToast } from '../../components/Toast';
import { meKey } from '../auth/auth.api';
import { usePractice } from '../practices/practices.api';
import { useCurrentPractice } from '../shell/AppShell';

export function StaffSettingsPage() {
  const { t } = useTranslation();
  const { me, membership, can } = useCurrentPractice();
  const practiceId = membership.practiceId;
  const staffKey = ['staff', practiceId] as const;
  const queryClient = useQueryClient();
  const toast = useToast();
  const errorMessage = useErrorMessage();
  const practice = usePractice(practiceId);
  const format = useDateFormat(practice.data?.timeZone);
  const manage = can('staff:manage');
  const staff = useQuery({
    queryKey: staffKey,
    queryFn: () => api.get<StaffListBody>(`/practices/${practiceId}/staff`),
  });
  const [removing, setRemoving] = useState<StaffMember | null>(null);
  const [actionError, setActionError] = useState<unknown>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: staffKey });

  const changeRole = useMutation({
    mutationFn: ({ member, role }: { member: StaffMember; role: Role }) =>
      api.patch(`/practices/${practiceId}/staff/${member.userId}`, { role }),
    onMutate: () => setActionError(null),
    onSuccess: (_, { member, role }) => {
      toast(t('staff.roleChanged', { name: member.name, role: t(`roles.${role}`) }));
      if (member.userId === me.user.id) void queryClient.invalidateQueries({ queryKey: meKey });
    },
    onError: setActionError,
    onSettled: refresh,
  });
  const remove = useMutation({
    mutationFn: (member: StaffMember) => api.delete(`/practices/${practiceId}/staff/${member.userId}`),
    onMutate: () => setActionError(null),
    onSuccess: (_, member) => {
      toast(t('staff.removed', { name: member.name }));
      if (member.userId === me.user.id) void queryClient.invalidateQueries({ queryKey: meKey });
    },
    onError: setActionError,
    onSettled: () => {
      setRemoving(null);
      void refresh();
    },
  });
  const revoke = useMutation({
    mutationFn: (invitationId: string) => api.delete(`/practices/${practiceId}/invitations/${invitationId}`),
    onMutate: () => setActionError(null),
    onSuccess: () => toast(t('staff.invitationRevoked')),
    onError: setActionError,
    onSettled: refresh,
  });

  if (staff.isPending) return <Loading />;
  if (staff.isError) return <ErrorAlert error={staff.error} />;
  const { members, invitations } = staff.data;

  return (
    <div className="stack-lg">
      {actionError ? (
        <Alert tone="error" title={errorMessage(actionError)}>
          {isLastOwner(actionError) ? t('staff.lastOwnerHelp') : null}
        </Alert>
      ) : null}
      {manage && <InviteForm practiceId={practiceId} onInvited={refresh} />}

      <section aria-labelledby="members-title">
        <h2 id="members-title">{t('staff.membersTitle', { count: members.length })}</h2>
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('common.name')}</th>
                <th scope="col">{t('common.email')}</th>
                <th scope="col">{t('staff.role')}</th>
                <th scope="col">{t('staff.joined')}</th>
                {manage && (
                  <th scope="col">
                    <span className="visually-hidden">{t('common.actions')}</span>
                  </th>
                )}
              </tr>
            </thead>
            <tbody>
              {members.map((member) => (
                <tr key={member.userId}>
                  <th scope="row">
                    {member.name}
                    {member.userId === me.user.id && <span className="badge">{t('staff.you')}</span>}
                  </th>
                  <td className="break">{member.email}</td>
                  <td>
                    {manage ? (
                      <>
                        <label className="visually-hidden" htmlFor={`role-${member.userId}`}>
                          {t('staff.roleFor', { name: member.name })}
                        </label>
                        <select
                          id={`role-${member.userId}`}
                          value={member.role}
                          disabled={changeRole.isPending}
                          onChange={(e) => changeRole.mutate({ member, role: e.target.value as Role })}
                        >
                          {ROLES.map((role) => (
                            <option key={role} value={role}>
                              {t(`roles.${role}`)}
                            </option>
                          ))}
                        </select>
                      </>
                    ) : (
                      t(`roles.${member.role}`)
                    )}
                  </td>
                  <td>{format.date(member.joinedAt)}</td>
                  {manage && (
                    <td className="cell-actions">
                      <Button
                        variant="danger"
                        onClick={() => setRemoving(member)}
                        aria-label={t('staff.removeNamed', { name: member.name })}
                      >
                        {t('staff.remove')}
                      </Button>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      <section aria-labelledby="invitations-title">
        <h2 id="invitations-title">{t('staff.invitationsTitle')}</h2>
        {invitations.length === 0 ? (
          <p className="muted">{t('staff.noInvitations')}</p>
        ) : (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('common.email')}</th>
                  <th scope="col">{t('staff.role')}</th>
                  <th scope="col">{t('staff.invitedBy')}</th>
                  <th scope="col">{t('staff.expires')}</th>
                  {manage && (
                    <th scope="col">
                      <span className="visually-hidden">{t('common.actions')}</span>
                    </th>
                  )}
                </tr>
              </thead>
              <tbody>
                {invitations.map((invitation) => (
                  <tr key={invitation.id}>
                    <th scope="row" className="break">
                      {invitation.email}
                    </th>
                    <td>{t(`roles.${invitation.role}`)}</td>
                    <td>{invitation.invitedBy}</td>
                    <td>{format.date(invitation.expiresAt)}</td>
                    {manage && (
                      <td className="cell-actions">
                        <Button
                          variant="secondary"
                          busy={revoke.isPending && revoke.variables === invitation.id}
                          onClick={() => revoke.mutate(invitation.id)}
                          aria-label={t('staff.revokeNamed', { email: invitation.email })}
                        >
                          {t('staff.revoke')}
                        </Button>
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      {members.length === 0 && <EmptyState title={t('staff.empty')} />}

      <ConfirmDialog
        open={removing !== null}
        title={t('staff.removeTitle', { name: removing?.name ?? '' })}
        confirmLabel={t('staff.removeConfirm')}
        busy={remove.isPending}
        onConfirm={() => removing && remove.mutate(removing)}
        onCancel={() => setRemoving(null)}
      >
        <p>{t('staff.removeText', { name: removing?.name ?? '' })}</p>
      </ConfirmDialog>
    </div>
  );
}

function isLastOwner(error: unknown) {
  return typeof error === 'object' && error !== null && (error as { code?: string }).code === 'last_owner';
}

function InviteForm({ practiceId, onInvited }: { practiceId: string; onInvited: () => void }) {
  const { t } = useTranslation();
  const [formKey, setFormKey] = useState(0);
  const invite = useMutation({
    mutationFn: (input: { email: string; role: Role }) =>
      api.post<InviteResultBody>(`/practices/${practiceId}/invitations`, input),
    onSuccess: () => {
      setFormKey((k) => k + 1);
      onInvited();
    },
  });
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    invite.mutate({ email: String(form.get('email') ?? '').trim(), role: String(form.get('role')) as Role });
  };
  const result = invite.data;
  return (
    <section aria-labelledby="invite-title" className="card stack">
      <h2 id="invite-title">{t('staff.inviteTitle')}</h2>
      <p className="muted">{t('staff.inviteIntro')}</p>
      <form key={formKey} onSubmit={submit} className="invite-form">
        <TextField
          label={t('staff.inviteEmail')}
          name="email"
          type="email"
          required
          autoComplete="off"
          error={fieldError(invite.error, 'email')}
        />
        <SelectField
          label={t('staff.role')}
          name="role"
          defaultValue="receptionist"
          error={fieldError(invite.error, 'role')}
        >
          {ROLES.map((role) => (
            <option key={role} value={role}>
              {t(`roles.${role}`)}
            </option>
          ))}
        </SelectField>
        <Button type="submit" variant="primary" busy={invite.isPending}>
          {t('staff.inviteSubmit')}
        </Button>
      </form>
      <ErrorAlert error={invite.error} />
      {result &&
        (result.emailSent ? (
          <Alert tone="success">{t('staff.invitationEmailed', { email: result.invitation.email })}</Alert>
        ) : (
          <div className="stack">
            <Alert tone="warning" title={t('staff.invitationCreated', { email: result.invitation.email })}>
              {t('staff.emailNotSetUp')}
            </Alert>
            <CopyField label={t('staff.invitationLink')} value={result.acceptUrl} />
          </div>
        ))}
    </section>
  );
}
