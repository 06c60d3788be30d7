import type { PredictionPage } from '../api/types.js';
import { useApi } from '../api/use-api.js';
import { formatCount, formatMoney, formatValue } from '../format.js';
import { Link } from './link.js';
import { Empty, Loaded } from './status.js';

/** Customers by predicted lifetime value, from `tessera clv predict`: who is worth the most, and who of them is slipping away. */
export function TopCustomers({ atRisk, testId }: { atRisk: boolean; testId: string }) {
  const state = useApi<PredictionPage>(`/clv/predictions?limit=10${atRisk ? '&high_value_at_risk=true' : ''}`);
  return (
    <Loaded state={state} what="the predictions">
      {({ customers, as_of: asOf, horizon_days: horizon }) =>
        customers.length === 0 ? (
          <Empty>{atRisk ? 'No high-value customer is at risk: each of the top fifth by value is more likely active than not.' : 'No customer is scored yet: run tessera clv predict.'}</Empty>
        ) : (
          <table data-testid={testId} title={asOf ? `as of ${asOf}` : undefined}>
            <thead>
              <tr>
                <th scope="col">Customer</th>
                <th scope="col" className="num">Repeat purchases</th>
                <th scope="col" className="num">Probability still active</th>
                <th scope="col" className="num">Expected purchases{horizon ? `, next ${formatCount(horizon)} days` : ''}</th>
                <th scope="col" className="num">Predicted lifetime value{horizon ? `, next ${formatCount(horizon)} days` : ''}</th>
              </tr>
            </thead>
            <tbody>
              {customers.map((c) => (
                <tr key={c.customer_id}>
                  <td>
                    <Link to={`/customers/${encodeURIComponent(c.customer_id)}`}>{c.email ?? c.customer_id}</Link>
                  </td>
                  <td className="num">{formatCount(c.frequency)}</td>
                  <td className="num">{formatValue(c.p_alive * 100, 'percent')}</td>
                  <td className="num">{formatValue(c.expected_purchases, 'ratio')}</td>
                  <td className="num">{formatMoney(c.clv)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )
      }
    </Loaded>
  );
}
