// The query editor: YASGUI against this server's endpoint. The editor and the result
// table both know the prefixes the server predefines (as on the Wikidata Query Service):
// a query opened here gets PREFIX lines for the prefixes it uses, folded out of the way,
// so YASQE's syntax check passes and the query still runs on any other endpoint; the
// table shows kz:amanat and 84 rather than full IRIs and typed literals.
(function () {
  const config = JSON.parse(document.getElementById("kzgraph-config").textContent);
  if (typeof Yasgui === "undefined") { return; }
  const prefixes = config.prefixes;

  // PREFIX lines for the predefined prefixes a query uses but does not declare.
  function withPrefixes(query) {
    const declared = new Set(
      [...query.matchAll(/^\s*PREFIX\s+([A-Za-z][\w.-]*)?:/gim)].map((m) => m[1] || "")
    );
    const lines = Object.keys(prefixes)
      .filter((label) => !declared.has(label))
      .filter((label) => new RegExp(`(^|[^\\w<:#-])${label}:`, "m").test(query))
      .sort()
      .map((label) => `PREFIX ${label}: <${prefixes[label]}>`);
    return lines.length ? lines.join("\n") + "\n" + query : query;
  }

  // IRIs of this dataset open this server's pages (the w3id base redirects elsewhere).
  function localLinks(root) {
    root.querySelectorAll("a.iri").forEach((a) => {
      const href = a.getAttribute("href") || "";
      if (href.startsWith(config.base)) {
        a.setAttribute("href", "/" + href.slice(config.base.length));
        a.setAttribute("title", href);
      }
    });
  }

  // New tabs open the table in its compact ("simple") view: no datatypes, no brackets.
  const defaults = Yasgui.Tab.getDefaults;
  Yasgui.Tab.getDefaults = function (yasgui) {
    const json = defaults(yasgui);
    json.yasr.settings.pluginsConfig = { table: { compact: true } };
    return json;
  };

  // Property and class completion asks an outside service (LOV) this page may not reach.
  Yasgui.defaults.yasqe.autocompleters = ["prefixes", "variables"];
  const yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: config.endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    persistenceId: null,
    yasqe: {
      value: withPrefixes(config.example),
      collapsePrefixesOnLoad: true,
      prefixCcApi: "/prefixes.json",
    },
    yasr: { prefixes: prefixes },
  });
  window.kzgraphYasgui = yasgui;

  function watch(tab) {
    const yasr = tab.getYasr();
    if (yasr && !yasr.kzgraphWatched) {
      yasr.kzgraphWatched = true;
      yasr.on("drawn", () => localLinks(yasr.resultsEl || yasr.rootEl));
    }
  }
  watch(yasgui.getTab());
  yasgui.on("tabSelect", (_y, id) => setTimeout(() => watch(yasgui.getTab(id)), 0));

  function open(query) {
    const tab = yasgui.getTab();
    tab.setQuery(withPrefixes(query));
    tab.show();
    tab.getYasqe().collapsePrefixes(true);
  }
  window.kzgraphOpen = open;
  const given = new URLSearchParams(window.location.search).get("query");
  if (given) { open(given); }
  document.querySelectorAll("a.open-example").forEach((link) => {
    link.addEventListener("click", (event) => {
      event.preventDefault();
      open(link.dataset.query);
      window.scrollTo(0, 0);
    });
  });
})();
