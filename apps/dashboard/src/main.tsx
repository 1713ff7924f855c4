import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { App } from './App';
import { AuthProvider, userManager } from './auth/auth';
import { loadConfig } from './config';
import './i18n';
import './styles.css';

const root = createRoot(document.getElementById('root')!);

loadConfig()
  .then((config) => {
    root.render(
      <StrictMode>
        <AuthProvider manager={userManager(config)}>
          <BrowserRouter>
            <App />
          </BrowserRouter>
        </AuthProvider>
      </StrictMode>,
    );
  })
  .catch((e: unknown) => {
    root.render(
      <main id="main" className="public-main narrow">
        <div role="alert" className="problem">
          <p className="problem-title">SMB Copilot cannot start</p>
          <p className="problem-detail">{e instanceof Error ? e.message : String(e)}</p>
        </div>
      </main>,
    );
  });
