import { useState } from 'react';
import { queryString } from '../api/client.js';
import type { Profile, ProfileMatch, ProfileSearch } from '../api/types.js';
import { useApi } from '../api/use-api.js';
import { Link } from '../components/link.js';
import { Empty, Loaded } from '../components/status.js';
import { TopCustomers } from '../components/top-customers.js';
import { useQueryState } from '../router.js';

const identifierTypes = /^(email|phone|user|anon|[a-z_]+):.+/;

/** An exact identifier (`email:…`, or anything with an @) is looked up; anything else is a search. */
export function searchPath(text: string): string {
  const t = text.trim();
  if (identifierTypes.test(t)) return `/profiles${queryString({ identifier: t })}`;
  if (/^\S+@\S+$/.test(t)) return `/profiles${queryString({ identifier: `email:${t.toLowerCase()}` })}`;
  return `/profiles${queryString({ q: t })}`;
}

/** One row of results: a search match, or the one profile an exact identifier names. */
function rowsOf(data: ProfileSearch | Profile): ProfileMatch[] {
  if ('profiles' in data) return data.profiles;
  const of = (type: string) => data.identifiers.filter((i) => i.type === type).map((i) => i.value);
  const name = typeof data.traits['name'] === 'string' ? data.traits['name'] : null;
  return [{ customer_id: data.customer_id, name, emails: of('email'), phones: of('phone') }];
}

function Results({ text }: { text: string }) {
  const state = useApi<ProfileSearch | Profile>(searchPath(text));
  // An exact identifier nobody has is answered 404: to the reader that is a search without a match, not a failure.
  if (state.status === 'error' && state.error.status === 404) return <Empty>No customer matches “{text}”.</Empty>;
  return (
    <Loaded state={state} what="customers">
      {(data) => {
        const rows = rowsOf(data);
        if (rows.length === 0) return <Empty>No customer matches “{text}”.</Empty>;
        return (
          <table data-testid="customer-results">
            <thead>
              <tr>
                <th scope="col">Customer</th>
                <th scope="col">Email / phone</th>
                <th scope="col">Id</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((p) => (
                <tr key={p.customer_id}>
                  <td>
                    <Link to={`/customers/${encodeURIComponent(p.customer_id)}`}>{p.name ?? p.customer_id}</Link>
                  </td>
                  <td>{[...p.emails, ...p.phones].slice(0, 3).join(', ')}</td>
                  <td className="mono">{p.customer_id}</td>
                </tr>
              ))}
            </tbody>
          </table>
        );
      }}
    </Loaded>
  );
}

export function CustomersPage() {
  const [query, setQuery] = useQueryState();
  const q = query.get('q') ?? '';
  const [draft, setDraft] = useState(q);
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">Customers</h1>
      <form
        className="controls"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          setQuery({ q: draft.trim() || null });
        }}
      >
        <label>
          Find a customer{' '}
          <input type="search" name="q" value={draft} onChange={(e) => setDraft(e.target.value)} placeholder="email, name, phone or customer id" size={40} />
        </label>
        <button type="submit">Search</button>
      </form>
      {q.length === 1 && <p className="hint">Type at least 2 characters to search.</p>}
      {q.length > 1 ? (
        <Results text={q} />
      ) : (
        <>
          <p className="hint">Search by email, name, phone or id; an exact identifier such as email:ann@example.com opens that customer.</p>
          <h2>Most valuable customers</h2>
          <TopCustomers atRisk={false} testId="customers-top" />
        </>
      )}
    </section>
  );
}
