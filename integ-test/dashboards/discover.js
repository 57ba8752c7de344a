// The Discover side of the Dashboards contract: the request body Discover sends for a query typed in the Lucene query
// bar, and Discover's way of turning highlight fragments into <mark>. Plain JS, no build step. body[data-state] goes
// from "loading" to "done" or "error", so that a headless browser run can tell when the page is finished.
'use strict';

// Discover asks for highlights with these tags, and trusts a fragment only once they are stripped back out.
const PRE_TAG = '@opensearch-dashboards-highlighted-field@';
const POST_TAG = '@/opensearch-dashboards-highlighted-field@';

// The body OpenSearch Dashboards 3.x Discover sends (the same as RealmSearchQueryRestIT#testDiscoverRequest).
function discoverRequest(question) {
  return {
    sort: [{ _score: { order: 'desc' } }],
    size: 500,
    version: true,
    aggs: {},
    stored_fields: ['*'],
    script_fields: {},
    docvalue_fields: [],
    _source: { excludes: [] },
    query: {
      bool: {
        must: [{ query_string: { query: question, analyze_wildcard: true, time_zone: 'UTC' } }],
        filter: [{ match_all: {} }],
        should: [],
        must_not: [],
      },
    },
    highlight: {
      pre_tags: [PRE_TAG],
      post_tags: [POST_TAG],
      fields: { '*': {} },
      fragment_size: 2147483647,
    },
    track_total_hits: true,
  };
}

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

// Discover's rule: a fragment is shown only where its text without the tags appears verbatim in the (escaped) field
// value; there the tags become <mark>. A fragment that is not a verbatim part of the field marks nothing.
function highlightHtml(value, fragments) {
  let html = escapeHtml(value);
  for (const fragment of fragments || []) {
    const escaped = escapeHtml(fragment);
    const untagged = escaped.split(PRE_TAG).join('').split(POST_TAG).join('');
    const marked = escaped.split(PRE_TAG).join('<mark>').split(POST_TAG).join('</mark>');
    if (untagged !== '' && html.includes(untagged)) {
      html = html.split(untagged).join(marked);
    }
  }
  return html;
}

// The document column: field: value pairs as Discover's _source summary shows them. The nested passages (text and
// vectors) would drown the document, so they are summarised.
function sourceCell(hit) {
  const dl = document.createElement('dl');
  dl.className = 'source';
  for (const [field, value] of Object.entries(hit._source || {})) {
    const dt = document.createElement('dt');
    dt.textContent = field + ':';
    const dd = document.createElement('dd');
    dd.dataset.field = field;
    if (Array.isArray(value) && value.length && typeof value[0] === 'object') {
      dd.textContent = `[${value.length} objects]`;
    } else {
      const text = typeof value === 'string' ? value : JSON.stringify(value);
      dd.innerHTML = highlightHtml(text, (hit.highlight || {})[field]);
    }
    dl.append(dt, dd);
  }
  return dl;
}

function renderHits(response) {
  const hits = response.hits.hits;
  document.getElementById('hit-count').textContent = `${response.hits.total.value} hits (${response.took} ms)`;
  const table = document.getElementById('hits');
  table.innerHTML = '<tr><th>_id</th><th>_score</th><th>_source</th></tr>';
  for (const hit of hits) {
    const row = table.insertRow();
    row.className = 'hit';
    row.dataset.id = hit._id;
    row.insertCell().textContent = hit._id;
    row.cells[0].className = 'id';
    row.insertCell().textContent = hit._score == null ? '-' : hit._score.toFixed(4);
    row.cells[1].className = 'score';
    row.insertCell().append(sourceCell(hit));
  }
}

function renderAnswers(realm) {
  const list = document.getElementById('answer-list');
  if (!realm) {
    list.outerHTML = '<p id="no-ext">no ext.realm in the response</p>';
    return;
  }
  if (realm.reader_error) {
    list.outerHTML = `<p id="reader-error">${escapeHtml(realm.reader_error.reason)}</p>`;
    return;
  }
  for (const answer of realm.answers || []) {
    const item = document.createElement('li');
    item.className = 'answer';
    item.innerHTML = `<span class="text"></span> <span class="probability"></span><div class="where"></div>`;
    item.querySelector('.text').textContent = answer.text;
    item.querySelector('.probability').textContent = `p=${answer.probability.toFixed(3)}`;
    item.querySelector('.where').textContent = answer.passages
      .map((p) => `${p._id} #${p.passage} [${p.start}, ${p.end})`).join('; ');
    list.append(item);
  }
  const summary = document.createElement('p');
  summary.className = 'where';
  summary.textContent = `no_answer: ${realm.no_answer}, p(no answer)=${Number(realm.no_answer_probability).toFixed(3)}`;
  list.after(summary);
}

async function run() {
  const params = new URLSearchParams(location.search);
  const index = params.get('index');
  const question = params.get('q');
  const status = document.getElementById('status');
  document.getElementById('querybar').textContent = question;
  try {
    if (!index || !question) throw new Error('usage: ?index=INDEX&q=QUESTION');
    const reply = await fetch(`/${encodeURIComponent(index)}/_search`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(discoverRequest(question)),
    });
    const response = await reply.json();
    if (!reply.ok) throw new Error(`HTTP ${reply.status}: ${JSON.stringify(response.error || response)}`);
    renderHits(response);
    renderAnswers((response.ext || {}).realm);
    status.textContent = `index ${index}: POST /${index}/_search (Discover's request)`;
    document.body.dataset.state = 'done';
  } catch (e) {
    status.textContent = String(e);
    document.body.dataset.state = 'error';
  }
}

run();
