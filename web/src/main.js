// The portal's shell: connects, lists accounts, and shows the contributor's or the buyer's page
// (`#contributor`, `#buyer`) for the chosen account, refreshed after every transaction.

import './style.css';
import { accounts, connect, NODE_URL } from './chain.js';
import { contributorPage } from './contributor.js';
import { buyerPage } from './buyer.js';

const page = document.getElementById('page');
const select = document.getElementById('account');
const statusLine = document.getElementById('status');

function status(text, error = false) {
  statusLine.textContent = text;
  statusLine.className = error ? 'error' : '';
}

async function main() {
  let chain;
  try {
    chain = await connect();
  } catch (e) {
    status(`No Licentia node answers at ${NODE_URL}: ${e.message}`, true);
    return;
  }
  const { api, development } = chain;
  const found = await accounts(development);
  if (found.length === 0) {
    status('No account: install a wallet extension (Polkadot.js, Talisman, SubWallet) and allow this site.', true);
  }
  const wanted = new URLSearchParams(window.location.search).get('account');
  for (const a of found) {
    select.append(new Option(a.name, a.address, false, a.address === wanted || a.name.startsWith(`${wanted} `)));
  }
  const render = async () => {
    const account = found.find((a) => a.address === select.value);
    const route = window.location.hash === '#buyer' ? 'buyer' : 'contributor';
    for (const name of ['contributor', 'buyer']) {
      document.getElementById(`nav-${name}`).toggleAttribute('aria-current', name === route);
    }
    if (!account) return;
    delete page.dataset.ready;
    const view = route === 'buyer' ? buyerPage : contributorPage;
    try {
      await view(page, { api, account, status, refresh: render });
      page.dataset.ready = `${route}:${account.address}`;
    } catch (e) {
      status(`Reading the chain failed: ${e.message}`, true);
    }
  };
  select.addEventListener('change', render);
  window.addEventListener('hashchange', render);
  await render();
}

main();
