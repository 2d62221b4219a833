// Search ranking of the approw-py-sdk site (html_search_scorer in conf.py): Sphinx's default
// weights, and methods of the clients first -- a search for "users.list" or "login_by_email"
// is a search for the method -- then the asyncio twins, then the fields of the return shapes.
var Scorer = {
  score: (result) => {
    const [docname, title, anchor, descr, score, filename, kind] = result;
    let boost = 0;
    if (kind === "object" && descr && descr.startsWith("Python method")) boost += 10;
    if (anchor && anchor.includes("._async.")) boost -= 2;
    if (kind === "object" && descr && descr.includes("Return shapes")) boost -= 10;
    return score + boost;
  },
  objNameMatch: 11,
  objPartialMatch: 6,
  objPrio: { 0: 15, 1: 5, 2: -5 },
  objPrioDefault: 0,
  title: 15,
  partialTitle: 7,
  term: 5,
  partialTerm: 2,
};
