import { type QueryKey, type UseQueryResult, useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, Fragment, type ReactNode, useEffect, useRef } from 'react';
import { Button } from './Button';
import { ErrorAlert } from './ErrorAlert';
import { Loading } from './Loading';
import { useToast } from './Toast';

/**
 * A settings resource, once loaded, handed to its form. The form is mounted again when the saved
 * value changes, so its fields always start from what the server holds.
 */
export function WhenLoaded<T>({ query, children }: { query: UseQueryResult<T>; children: (saved: T) => ReactNode }) {
  if (query.isPending) return <Loading />;
  if (query.isError) return <ErrorAlert error={query.error} />;
  return <Fragment key={query.dataUpdatedAt}>{children(query.data)}</Fragment>;
}

/** Saves one settings section: the answer replaces the cached value and a toast says it is saved. */
export function useSaveSettings<TInput, TSaved>(opts: {
  queryKey: QueryKey;
  save: (input: TInput) => Promise<TSaved>;
  savedText: string;
}) {
  const queryClient = useQueryClient();
  const toast = useToast();
  return useMutation({
    mutationFn: opts.save,
    onSuccess: (saved) => {
      queryClient.setQueryData(opts.queryKey, saved);
      toast(opts.savedText);
    },
  });
}

/**
 * One section of a settings page with a Save of its own: a titled card whose fields are read-only
 * to those who may not change them. The server's refusal shows above Save, and the first field it
 * names takes the focus (the fields show their own problem beside them).
 */
export function SettingsSection({
  id,
  title,
  intro,
  editable,
  saveLabel,
  save,
  onSave,
  children,
}: {
  /** Names the section's heading (`<id>-title`), which labels the form. */
  id: string;
  title: string;
  intro: ReactNode;
  editable: boolean;
  saveLabel: string;
  save: { error: unknown; isPending: boolean };
  onSave: () => void;
  children: ReactNode;
}) {
  const formRef = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (save.error) formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [save.error]);
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    onSave();
  };
  return (
    <form ref={formRef} onSubmit={submit} className="stack-lg" aria-labelledby={`${id}-title`} noValidate>
      <section className="card form-card">
        <h2 id={`${id}-title`}>{title}</h2>
        <p className="muted">{intro}</p>
        <fieldset disabled={!editable} className="plain stack">
          <legend className="visually-hidden">{title}</legend>
          {children}
        </fieldset>
        {editable && (
          <>
            <ErrorAlert error={save.error} />
            <div className="actions">
              <Button type="submit" variant="primary" busy={save.isPending}>
                {saveLabel}
              </Button>
            </div>
          </>
        )}
      </section>
    </form>
  );
}
