import type { Command } from 'commander';
import { TesseraError } from '../../contract/index.js';
import { resolveCustomer } from '../../identity/index.js';
import { recommendCustomer, recommendProduct, type RecommendedProduct } from '../../predict/index.js';
import { printJson, type CliContext, type CliIo, type GlobalOptions } from '../context.js';
import { parseCount } from '../parse-int.js';

function printRules(io: CliIo, title: string, rules: readonly (RecommendedProduct & { because_of?: string })[]): void {
  io.out(`\n${title}\n`);
  if (rules.length === 0) io.out('  (none above the minimums)\n');
  for (const r of rules) {
    const because = r.because_of === undefined ? '' : `  because of ${r.because_of}`;
    io.out(`  ${r.product_id.padEnd(24)} confidence ${r.confidence.toFixed(3)}  lift ${r.lift.toFixed(2)}  support ${r.support.toFixed(4)}  (${r.count})${because}\n`);
  }
}

/** `tessera recs --product ID | --customer ID`. */
export function registerRecs(program: Command, ctx: CliContext): void {
  program
    .command('recs')
    .description('product recommendations from order baskets: frequently bought together, also bought, next products for a customer')
    .option('--product <id>', 'a product id (else sku, else name, as the orders carry it)')
    .option('--customer <id>', 'a customer id or identifier (email:…, user:…)')
    .option('--limit <n>', 'most products to list', parseCount)
    .option('--json', 'print JSON')
    .action(async (opts: { product?: string; customer?: string; limit?: number; json?: boolean }, cmd: Command) => {
      if ((opts.product === undefined) === (opts.customer === undefined)) throw new TesseraError('invalid_argument', 'give exactly one of --product ID or --customer ID');
      const global = cmd.optsWithGlobals<GlobalOptions>();
      if (opts.product !== undefined) {
        const product = opts.product;
        const result = await ctx.withWorkspace(global, (ws) => recommendProduct(ws.store, ws.config.workspace, ws.config.models, product, opts.limit));
        if (opts.json) return printJson(ctx.io, result);
        ctx.io.out(`product ${result.product_id}: in ${result.orders} of ${result.settings.orders} orders, bought by ${result.customers} customers\n`);
        printRules(ctx.io, 'frequently bought together', result.frequently_bought_together);
        printRules(ctx.io, 'customers who bought this also bought', result.also_bought);
        return;
      }
      const identifier = opts.customer as string;
      const result = await ctx.withWorkspace(global, async (ws) => {
        await ws.identity.refresh();
        const resolve = async (id: string) => (await resolveCustomer(ws.store, ws.identity, id)).customerId;
        return recommendCustomer(ws.store, ws.config.workspace, ws.config.models, identifier, opts.limit, resolve);
      });
      if (opts.json) return printJson(ctx.io, result);
      ctx.io.out(`customer ${result.customer_id} bought ${result.bought.length} products\n`);
      printRules(ctx.io, 'next products', result.next_products);
    });
}
