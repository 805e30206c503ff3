import { QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { ApiError } from './api/client';
import { App } from './App';
import { ToastProvider } from './components/Toast';
import './i18n';
import './styles.css';

const queryClient = new QueryClient({
  queryCache: new QueryCache({
    // A session held back until two-step is set up (the practice requires it) can do nothing else:
    // wherever it was opened (a reload, an old tab), it goes to the page that sets it up.
    onError: (error) => {
      if (
        error instanceof ApiError &&
        error.code === 'mfa_enrolment_required' &&
        location.pathname !== '/enrol-two-step'
      )
        window.location.assign('/enrol-two-step');
    },
  }),
  defaultOptions: {
    queries: {
      staleTime: 15_000,
      refetchOnWindowFocus: false,
      // A 4xx answer will not change by asking again; network blips and 5xx may.
      retry: (failures, error) =>
        !(error instanceof ApiError && error.status >= 400 && error.status < 500) && failures < 2,
    },
  },
});

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');

createRoot(root).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <BrowserRouter>
        <ToastProvider>
          <App />
        </ToastProvider>
      </BrowserRouter>
    </QueryClientProvider>
  </StrictMode>,
);
