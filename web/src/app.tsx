import { lazy, Suspense, useEffect, useState } from 'react';
import { AlertsBadge } from './components/alerts-panel.js';
import { Link } from './components/link.js';
import { useLiveStatus, useMetricsTick } from './live.js';
import { CustomerPage } from './pages/customer.js';
import { CustomersPage } from './pages/customers.js';
import { DataPage } from './pages/data.js';
import { OverviewPage } from './pages/overview.js';
import { SegmentPage } from './pages/segment.js';
import { SegmentsPage } from './pages/segments.js';
import { useLocation } from './router.js';
import { clearToken, onTokenChange, readToken } from './token.js';
import { TokenScreen } from './token-screen.js';

// The pages with charts load ECharts (most of the bytes) on first visit, so the overview is
// interactive without waiting for a charting library it does not use.
const KpiPage = lazy(() => import('./pages/kpi.js').then((m) => ({ default: m.KpiPage })));
const RetentionPage = lazy(() => import('./pages/retention.js').then((m) => ({ default: m.RetentionPage })));
const ValuePage = lazy(() => import('./pages/value.js').then((m) => ({ default: m.ValuePage })));

const nav = [
  { to: '/', label: 'Overview' },
  { to: '/retention', label: 'Retention' },
  { to: '/customers', label: 'Customers' },
  { to: '/segments', label: 'Segments' },
  { to: '/value', label: 'Value' },
  { to: '/data', label: 'Data' },
];

function Page({ path, reload }: { path: string; reload: number }) {
  const kpi = /^\/kpi\/([^/]+)$/.exec(path);
  if (kpi?.[1]) return <KpiPage key={kpi[1]} id={decodeURIComponent(kpi[1])} reload={reload} />;
  const customer = /^\/customers\/([^/]+)$/.exec(path);
  if (customer?.[1]) return <CustomerPage key={customer[1]} id={decodeURIComponent(customer[1])} />;
  const segment = /^\/segments\/([^/]+)$/.exec(path);
  if (segment?.[1]) return <SegmentPage key={segment[1]} id={decodeURIComponent(segment[1])} />;
  switch (path) {
    case '/':
      return <OverviewPage reload={reload} />;
    case '/retention':
      return <RetentionPage />;
    case '/customers':
      return <CustomersPage />;
    case '/segments':
      return <SegmentsPage />;
    case '/value':
      return <ValuePage />;
    case '/data':
      return <DataPage />;
    default:
      return (
        <section>
          <h1 id="page-title">Not found</h1>
          <p>
            There is no page at <code>{path}</code>. <Link to="/">Go to the overview</Link>.
          </p>
        </section>
      );
  }
}

function Shell() {
  const { path } = useLocation();
  const reload = useMetricsTick();
  const live = useLiveStatus();
  useEffect(() => {
    document.title = `Tessera · ${nav.find((n) => n.to === path)?.label ?? (path.startsWith('/kpi/') ? 'KPI' : path.startsWith('/segments/') ? 'Segment' : 'Customer')}`;
  }, [path]);
  const section = path.startsWith('/kpi/') ? '/' : path.startsWith('/customers/') ? '/customers' : path.startsWith('/segments/') ? '/segments' : path;
  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <span className="brand">Tessera</span>
        <nav aria-label="Pages">
          {nav.map((n) => (
            <Link key={n.to} to={n.to} ariaCurrent={section === n.to}>
              {n.label}
            </Link>
          ))}
        </nav>
        <AlertsBadge />
        <span className={`live live-${live}`} title="Live updates">
          {live === 'open' ? '● live' : '○ offline'}
        </span>
        <button type="button" className="link" onClick={() => clearToken()}>
          Forget token
        </button>
      </header>
      <main id="main" tabIndex={-1}>
        <Suspense fallback={<p className="status">Loading the page…</p>}>
          <Page path={path} reload={reload} />
        </Suspense>
      </main>
    </>
  );
}

export function App() {
  const [token, setToken] = useState(readToken);
  useEffect(() => onTokenChange(() => setToken(readToken())), []);
  return token ? <Shell /> : <TokenScreen />;
}
