// Lockstep report: renders the JSON embedded in the page (#report-data) with d3 3.5 (network
// pictures, SVG) and Chart.js 3.9 (bar charts, canvas), both inlined by `lockstep report`.
// Every chart container carries data-chart; it gets data-rendered="1" once drawn and non-empty,
// and <body> gets data-done="1" at the end (or data-errors with the messages), which the
// browser test reads.
(function () {
  'use strict';
  var errors = [];
  window.addEventListener('error', function (event) {
    errors.push(String(event.message));
    showErrors();
  });
  function showErrors() {
    document.body.dataset.errors = errors.join(' | ');
    var box = document.getElementById('errors') || document.body.insertBefore(
      el('div', {id: 'errors'}), document.body.firstChild);
    box.textContent = 'The report could not draw everything:\n' + errors.join('\n');
  }

  var SIGNAL_COLORS = {}; // by signal name: the signal table's colours (data.signal_colours)
  var ROLE_COLORS = {principal: '#d62728', initiator: '#ff7f0e', amplifier: '#1f77b4'};

  function el(tag, attrs) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === 'text') node.textContent = attrs[key];
      else if (key === 'className') node.className = attrs[key];
      else node.setAttribute(key, attrs[key]);
    });
    for (var i = 2; i < arguments.length; ++i) {
      var child = arguments[i];
      if (child === null || child === undefined) continue;
      node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
    }
    return node;
  }
  function fmt(value, digits) {
    if (value === null || value === undefined || value === '') return '';
    if (typeof value !== 'number') return String(value);
    if (Number.isInteger(value)) return value.toLocaleString('en');
    return value.toFixed(digits === undefined ? 3 : digits);
  }
  function table(columns, rows, options) {
    options = options || {};
    var head = el('tr');
    var body = el('tbody');
    columns.forEach(function (column, index) {
      var th = el('th', {text: column.title});
      if (options.sortable) {
        th.className = 'sortable';
        th.addEventListener('click', function () { sortBy(index); });
      }
      head.appendChild(th);
    });
    var order = rows.slice();
    var sortedBy = -1, descending = false;
    function draw() {
      body.innerHTML = '';
      order.forEach(function (row) {
        var tr = el('tr');
        columns.forEach(function (column) {
          var value = column.value(row);
          var td = el('td', {className: typeof value === 'number' ? 'num' : ''});
          if (column.link && column.link(row)) {
            td.appendChild(el('a', {href: column.link(row), text: fmt(value, column.digits)}));
          } else {
            td.textContent = fmt(value, column.digits);
          }
          tr.appendChild(td);
        });
        body.appendChild(tr);
      });
    }
    function sortBy(index) {
      descending = sortedBy === index ? !descending : true;
      sortedBy = index;
      var value = columns[index].value;
      order.sort(function (x, y) {
        var a = value(x), b = value(y);
        var less = (typeof a === 'number' && typeof b === 'number') ? a - b
          : String(a).localeCompare(String(b));
        return descending ? -less : less;
      });
      draw();
    }
    draw();
    var t = el('table', options.id ? {id: options.id} : {}, el('thead', {}, head), body);
    return options.scroll ? el('div', {className: 'scroll'}, t) : t;
  }

  // A Chart.js bar chart in a fixed-size canvas; marked rendered when it drew something.
  function barChart(title, labels, values, options) {
    options = options || {};
    var box = el('div', {className: 'chart', 'data-chart': title});
    box.appendChild(el('h4', {text: title}));
    var width = options.width || 420, height = options.height || 240;
    var canvas = el('canvas', {width: width, height: height});
    box.appendChild(canvas);
    var chart = new Chart(canvas.getContext('2d'), {
      type: 'bar',
      data: {labels: labels, datasets: [{data: values,
        backgroundColor: options.colors || '#4a7ab5'}]},
      options: {animation: false, responsive: false, indexAxis: options.horizontal ? 'y' : 'x',
        plugins: {legend: {display: false}},
        scales: {x: {ticks: {autoSkip: false, maxRotation: 60}}}}
    });
    chart.draw();
    if (values.length > 0 && canvasHasInk(canvas)) box.dataset.rendered = '1';
    return box;
  }
  function canvasHasInk(canvas) {
    var pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    for (var i = 3; i < pixels.length; i += 4) if (pixels[i] !== 0) return true;
    return false;
  }

  // The accounts of a cluster and the edges between them, laid out by d3's force layout (a fixed
  // number of ticks, no animation), edges coloured by their main signal, nodes by role.
  function networkPicture(detail) {
    var box = el('div', {className: 'chart', 'data-chart': 'network'});
    box.appendChild(el('h4', {text: 'Accounts and their significant edges'}));
    var width = 560, height = 420;
    var index = {};
    var nodes = detail.accounts.map(function (a, i) {
      index[a.id] = i;
      return {id: a.id, name: a.name, role: a.role};
    });
    var links = detail.edges.filter(function (e) {
      return e.a in index && e.b in index;
    }).map(function (e) {
      return {source: index[e.a], target: index[e.b], signal: e.signal};
    });
    var force = d3.layout.force().nodes(nodes).links(links).size([width, height])
      .charge(-250).linkDistance(50).gravity(0.05);
    force.start();
    for (var i = 0; i < 300; ++i) force.tick();
    force.stop();
    // Fit the layout into the picture, keeping its aspect ratio.
    var xs = nodes.map(function (n) { return n.x; }), ys = nodes.map(function (n) { return n.y; });
    var x0 = d3.min(xs), x1 = d3.max(xs), y0 = d3.min(ys), y1 = d3.max(ys);
    var scale = Math.min((width - 30) / Math.max(x1 - x0, 1), (height - 30) / Math.max(y1 - y0, 1));
    nodes.forEach(function (n) {
      n.x = 15 + (n.x - x0) * scale + (width - 30 - (x1 - x0) * scale) / 2;
      n.y = 15 + (n.y - y0) * scale + (height - 30 - (y1 - y0) * scale) / 2;
    });
    var svg = d3.select(box).append('svg').attr('width', width).attr('height', height);
    svg.selectAll('line').data(links).enter().append('line')
      .attr('x1', function (d) { return d.source.x; }).attr('y1', function (d) { return d.source.y; })
      .attr('x2', function (d) { return d.target.x; }).attr('y2', function (d) { return d.target.y; })
      .attr('stroke', function (d) { return SIGNAL_COLORS[d.signal] || '#999'; })
      .attr('stroke-opacity', 0.6);
    svg.selectAll('circle').data(nodes).enter().append('circle')
      .attr('cx', function (d) { return d.x; }).attr('cy', function (d) { return d.y; })
      .attr('r', 4).attr('fill', function (d) { return ROLE_COLORS[d.role] || '#555'; })
      .append('title').text(function (d) { return d.name + ' (' + d.role + ')'; });
    var legend = el('div', {className: 'legend'});
    var used = {};
    links.forEach(function (l) { used[l.signal] = true; });
    Object.keys(used).sort().forEach(function (signal) {
      var swatch = el('i');
      swatch.style.background = SIGNAL_COLORS[signal] || '#999';
      legend.appendChild(el('span', {}, swatch, signal));
    });
    box.appendChild(legend);
    if (nodes.length > 0 && box.querySelectorAll('circle').length === nodes.length) {
      box.dataset.rendered = '1';
    }
    return box;
  }

  var DELAY_BINS = [[0, 10, '0-10 s'], [10, 30, '10-30 s'], [30, 60, '30-60 s'],
    [60, 120, '1-2 min'], [120, 300, '2-5 min'], [300, 600, '5-10 min'],
    [600, 1800, '10-30 min'], [1800, 3600, '30-60 min'], [3600, Infinity, '> 1 h']];
  function delayChart(detail) {
    var counts = DELAY_BINS.map(function () { return 0; });
    detail.edges.forEach(function (e) {
      if (e.delay_s === null) return;
      for (var i = 0; i < DELAY_BINS.length; ++i) {
        if (e.delay_s >= DELAY_BINS[i][0] && e.delay_s < DELAY_BINS[i][1]) { ++counts[i]; break; }
      }
    });
    return barChart('Co-action delays (median per edge, fastest signal)',
      DELAY_BINS.map(function (b) { return b[2]; }), counts);
  }

  // Posts per hour of the week as a 7 x 24 grid of shares (darker = larger share), the cluster's
  // beside the whole dataset's: automation posts around the clock, office hours show.
  var DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
  function weekGrid(svg, counts, left, top, title) {
    var total = d3.sum(counts) || 1;
    var most = d3.max(counts) / total || 1;
    var color = d3.scale.linear().domain([0, most]).range(['#f4f6fb', '#1f4e9a']);
    var cell = 11;
    svg.append('text').attr('x', left).attr('y', top - 6).attr('font-size', 12).text(title);
    counts.forEach(function (count, hour) {
      svg.append('rect').attr('x', left + 28 + (hour % 24) * cell)
        .attr('y', top + Math.floor(hour / 24) * cell).attr('width', cell - 1)
        .attr('height', cell - 1).attr('fill', color(count / total))
        .append('title').text(DAYS[Math.floor(hour / 24)] + ' ' + (hour % 24) + ':00 UTC: ' + count);
    });
    DAYS.forEach(function (day, i) {
      svg.append('text').attr('x', left).attr('y', top + i * cell + 9).attr('font-size', 9)
        .text(day);
    });
  }
  function hourOfWeekChart(detail) {
    var box = el('div', {className: 'chart', 'data-chart': 'hour of week'});
    box.appendChild(el('h4', {text: 'Posts per hour of the week (UTC): cluster and dataset'}));
    var counts = [];
    for (var h = 0; h < 168; ++h) counts.push(0);
    (detail.activity.hour_of_week || []).forEach(function (b) { counts[+b[0]] = b[1]; });
    var svg = d3.select(box).append('svg').attr('width', 640).attr('height', 110);
    weekGrid(svg, counts, 0, 20, 'this cluster');
    weekGrid(svg, data.baseline_hour_of_week, 322, 20, 'whole dataset');
    if (d3.sum(counts) > 0 && box.querySelectorAll('rect').length === 336) box.dataset.rendered = '1';
    return box;
  }
  function activityBars(detail, kind, title, options) {
    var buckets = detail.activity[kind] || [];
    if (options && options.sortByCount) {
      buckets = buckets.slice().sort(function (x, y) { return y[1] - x[1]; }).slice(0, 10);
    }
    return barChart(title, buckets.map(function (b) { return short(b[0], 30); }),
      buckets.map(function (b) { return b[1]; }), options);
  }

  // "label (members/dataset accounts); ..." from clusters.csv. Labels are data: they may hold
  // "; " and line terminators (U+2028 too), so items end only after their counts, and a label is
  // any characters ([\s\S], not ".", which stops at line terminators).
  function parseTop(field) {
    if (!field) return [];
    return field.split(/(?<=\(\d+\/\d+\)); /).map(function (item) {
      var match = /^([\s\S]*) \((\d+)\/(\d+)\)$/.exec(item);
      return match ? {label: match[1], members: +match[2], dataset: +match[3]} : null;
    }).filter(function (x) { return x; });
  }
  function short(text, length) {
    return text.length > length ? text.slice(0, length - 1) + '\u2026' : text;
  }

  function summary() {
    var m = data.manifest, input = m.input || {};
    // Results written before recruitment (format 2) have no recruitment totals.
    var recruitment = m.clusters.recruitment || {recruited_edges: 0, families: 0, hypotheses: 0};
    var section = el('section', {id: 'summary'});
    section.appendChild(el('h1', {text: 'Lockstep report'}));
    section.appendChild(el('p', {className: 'muted',
      text: data.results_dir + ' \u00b7 ' + m.created_by + ' \u00b7 ' + m.ranks + ' ranks \u00d7 ' +
        m.threads_per_rank + ' threads \u00b7 ' + fmt(m.seconds, 1) + ' s'}));
    var rows = [
      ['store', input.store + ' (' + fmt(input.store_bytes) + ' bytes, XXH3 ' + input.store_xxh3 + ')'],
      ['input files', (input.input_files || []).join(', ')],
      ['rows read', input.rows_read], ['rows rejected', input.rows_rejected],
      ['duplicate rows', input.rows_duplicate], ['rows without posts (users files, snapshots, follows)', input.non_post_rows],
      ['posts', input.posts], ['accounts', input.accounts],
      ['candidate pairs tested', m.candidate_edges], ['significant edges', m.significant_edges],
      ['false discovery rate cut (log10 p)',
        m.log10_p_threshold === null ? 'none passed' : m.log10_p_threshold],
      ['provisional edges (audiences explain them) confirmed by their cluster\'s evidence',
        m.clusters.confirmed_edges + ' of ' + (m.provisional_edges + recruitment.recruited_edges)],
      ['provisional edges recruited in a principal\'s audience (families, pairs tested)',
        recruitment.recruited_edges + ' (' + recruitment.families + ', ' + recruitment.hypotheses +
        ')'],
      ['clusters', m.clusters.clusters], ['accounts in clusters', m.clusters.clustered_accounts],
      ['accounts with a significant or provisional edge', m.clusters.linked_accounts],
      ['resumed steps', (m.resumed_steps || []).join(', ') || 'none']
    ];
    section.appendChild(table([{title: 'run', value: function (r) { return r[0]; }},
      {title: 'value', value: function (r) { return r[1]; }, digits: 2}], rows));
    var charts = el('div', {className: 'charts'});
    var phases = m.phase_seconds_rank0 || {};
    charts.appendChild(barChart('Seconds per phase (rank 0)', Object.keys(phases),
      Object.keys(phases).map(function (k) { return phases[k]; }), {width: 560}));
    var signals = (m.signals || []).filter(function (s) { return s.actions > 0; });
    charts.appendChild(barChart('Candidate pairs per signal', signals.map(function (s) { return s.signal; }),
      signals.map(function (s) { return s.candidate_pairs; }),
      {colors: signals.map(function (s) { return SIGNAL_COLORS[s.signal] || '#4a7ab5'; })}));
    section.appendChild(charts);
    section.appendChild(el('details', {}, el('summary', {text: 'The job (every setting)'}),
      el('pre', {text: m.job})));
    return section;
  }

  function clusterTable() {
    var section = el('section', {id: 'clusters'});
    section.appendChild(el('h2', {text: 'Clusters (' + data.clusters.length + ')'}));
    section.appendChild(el('p', {className: 'muted', text: 'Click a column to sort. Score = ' +
      'density \u00d7 mean edge score (-log10 p). Clusters with a link have a section below.'}));
    var num = function (key) { return function (c) { return c[key]; }; };
    section.appendChild(table([
      {title: 'cluster', value: function (c) { return +c.id; },
        link: function (c) { return c.id in data.details ? '#cluster-' + c.id : null; }},
      {title: 'size', value: num('size')}, {title: 'score', value: num('score'), digits: 2},
      {title: 'density', value: num('density'), digits: 2}, {title: 'edges', value: num('edges')},
      {title: 'median delay s', value: num('median_delay_s'), digits: 1},
      {title: 'signals', value: num('signals')},
      {title: 'retweets among members', value: num('retweets_among_members')},
      {title: 'follows among members', value: num('follows_among_members')},
      {title: 'follow density \u00d7 dataset', value: num('follow_density_ratio'), digits: 1},
      {title: 'automation share', value: num('automation_client_share'), digits: 2},
      {title: 'first activity', value: num('first_activity')},
      {title: 'last activity', value: num('last_activity')},
      {title: 'creation week', value: function (c) {
        return c.cohort_week ? c.cohort_week + ' (' + c.cohort_accounts + ')' : ''; }},
      {title: 'principals / initiators / amplifiers', value: function (c) {
        return c.principals + ' / ' + c.initiators + ' / ' + c.amplifiers; }}
    ], data.clusters, {sortable: true, scroll: true, id: 'cluster-table'}));
    return section;
  }

  function clusterSection(cluster) {
    var detail = data.details[cluster.id];
    var section = el('section', {id: 'cluster-' + cluster.id, className: 'cluster'});
    section.appendChild(el('h2', {text: 'Cluster ' + cluster.id + ': ' + cluster.size +
      ' accounts, score ' + fmt(cluster.score, 2)}));
    section.appendChild(el('p', {text: 'Tied mostly by ' + (cluster.signals || 'similarity') +
      '; ' + cluster.edges + ' significant edges (density ' + fmt(cluster.density, 2) +
      '), median co-action delay ' + fmt(cluster.median_delay_s, 1) + ' s; active ' +
      cluster.first_activity + ' to ' + cluster.last_activity + '; ' +
      fmt(cluster.retweets_among_members) + ' retweets, ' + fmt(cluster.replies_among_members) +
      ' replies and ' + fmt(cluster.mentions_among_members) + ' mentions among members; ' +
      (cluster.follows_among_members > 0 ? fmt(cluster.follows_among_members) +
        ' follows among members (' + fmt(cluster.mutual_follows_among_members) +
        ' pairs follow each other; density ' + fmt(cluster.follow_density, 3) + ', ' +
        fmt(cluster.follow_density_ratio, 1) + ' times the dataset\'s); ' : '') +
      'mean automation-client share ' + fmt(cluster.automation_client_share, 2) +
      (cluster.cohort_week ? '; ' + cluster.cohort_accounts + ' created in the week of ' +
        cluster.cohort_week : '') + '. Kept as a network because of its ' +
      (cluster.kept_because || 'co-actions').split(';').join(', ') + '.'}));
    var charts = el('div', {className: 'charts'});
    charts.appendChild(networkPicture(detail));
    charts.appendChild(delayChart(detail));
    charts.appendChild(hourOfWeekChart(detail));
    charts.appendChild(activityBars(detail, 'day', 'Posts per day (UTC)', {width: 560}));
    if ((detail.activity.follows_gained || []).length > 0) {
      charts.appendChild(activityBars(detail, 'follows_gained',
        'Followers gained from members, by first collection day', {width: 420}));
    }
    if ((detail.activity.created_week || []).length > 0) {
      charts.appendChild(activityBars(detail, 'created_week',
        'Members by creation week (Monday)', {width: 420}));
    }
    charts.appendChild(activityBars(detail, 'client', 'Posts per client (top 10)',
      {horizontal: true, sortByCount: true, height: 300}));
    Object.keys(cluster.top).forEach(function (signal) {
      var top = parseTop(cluster.top[signal]);
      if (top.length === 0) return;
      charts.appendChild(barChart('Top shared ' + signal + ' (members)',
        top.map(function (t) { return short(t.label, 40); }),
        top.map(function (t) { return t.members; }),
        {horizontal: true, colors: SIGNAL_COLORS[signal], height: 60 + 28 * top.length}));
    });
    section.appendChild(charts);
    var left = [];
    if (detail.accounts_left_out) left.push(detail.accounts_left_out + ' accounts');
    if (detail.edges_left_out) left.push(detail.edges_left_out + ' edges');
    if (detail.evidence_left_out) left.push(detail.evidence_left_out + ' evidence rows');
    if (left.length) {
      section.appendChild(el('p', {className: 'note', text: 'Left out to keep the page fast: ' +
        left.join(', ') + ' (all are in accounts.csv, edges.csv and evidence.csv).'}));
    }
    section.appendChild(el('h3', {text: 'Members: why each is here'}));
    // Each member's strongest tie inside the cluster: the partner, signal and p of its best edge.
    var names = {}, best = {};
    detail.accounts.forEach(function (a) { names[a.id] = a.name || a.id; });
    detail.edges.forEach(function (e) {
      [[e.a, e.b], [e.b, e.a]].forEach(function (pair) {
        var current = best[pair[0]];
        if (!current || (e.log10_p || 0) < (current.log10_p || 0)) {
          best[pair[0]] = {partner: pair[1], signal: e.signal, log10_p: e.log10_p};
        }
      });
    });
    detail.accounts.forEach(function (a) {
      var tie = best[a.id];
      a.tie = tie ? (names[tie.partner] || tie.partner) + ' by ' + tie.signal +
        (tie.log10_p !== null ? ', p = 1e' + tie.log10_p.toFixed(1) : '') : '';
    });
    var f = function (key, digits) {
      var title = key === 'tie' ? 'strongest tie' : key.replace(/_/g, ' ');
      return {title: title, value: function (a) { return a[key]; }, digits: digits};
    };
    section.appendChild(table([f('id'), f('name'), f('role'), f('score', 2), f('edges'), f('tie'),
      f('posts'), f('posts_per_active_day', 1), f('hour_of_week_share', 2),
      f('rapid_post_share', 2), f('retweet_share', 2), f('duplicate_text_share', 2),
      f('automation_client_share', 2), f('age_at_first_post', 0), f('creation_week_cohort')],
      detail.accounts, {sortable: true, scroll: true}));
    section.appendChild(el('h3', {text: 'Example evidence (the co-actions closest in time)'}));
    section.appendChild(table(['account a', 'account b', 'signal', 'key', 'post a', 'post b',
      'time a', 'time b', 'dt s'].map(function (title, i) {
      return {title: title, value: function (row) { return row[i]; }};
    }), detail.evidence, {scroll: true}));
    return section;
  }

  var data = JSON.parse(document.getElementById('report-data').textContent);
  SIGNAL_COLORS = data.signal_colours || {};
  var root = document.getElementById('report');
  root.appendChild(summary());
  root.appendChild(clusterTable());
  var detailed = data.clusters.filter(function (c) { return c.id in data.details; });
  if (data.clusters.length > detailed.length) {
    root.appendChild(el('p', {className: 'note', text: (data.clusters.length - detailed.length) +
      ' smaller clusters have a table row only (the report details the first ' +
      data.limits.detailed_clusters + '; see clusters.csv).'}));
  }
  detailed.forEach(function (cluster) {
    try {
      root.appendChild(clusterSection(cluster));
    } catch (error) {
      errors.push('cluster ' + cluster.id + ': ' + error.message);
      showErrors();
    }
  });
  if (errors.length === 0) document.body.dataset.done = '1';
})();
