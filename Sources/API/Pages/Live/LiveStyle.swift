/// `/assets/live.css`: a grid of cards that folds to one column on a phone.
enum LiveStyle {
    static let source = #"""
:root { color-scheme: light dark; --fg: #1d232a; --muted: #65717e; --card: #fff; --bg: #f2f4f7; --line: #dde2e8; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6e9ed; --muted: #98a2ad; --card: #1c2128; --bg: #111418; --line: #2d333b; } }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.4 system-ui, sans-serif; color: var(--fg); background: var(--bg); }
header { display: flex; flex-wrap: wrap; align-items: baseline; gap: .3em 1em; padding: .8em 1em; background: var(--card); border-bottom: 1px solid var(--line); }
h1 { font-size: 1.3em; margin: 0; }
h2 { font-size: 1em; margin: 0 0 .4em; }
nav { margin-left: auto; } nav a { margin-left: .8em; }
.sub, .note, .legend { color: var(--muted); }
main { display: grid; gap: .8em; padding: .8em; }
.status, .figures { display: grid; gap: .8em; grid-template-columns: repeat(auto-fill, minmax(280px, 1fr)); }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: .8em; min-width: 0; }
.wide { grid-column: 1 / -1; }
.big { font-size: 1.6em; margin: 0; }
.ok { color: #29a36a; } .degraded, .bad { color: #e4572e; }
.facts { margin: .4em 0 0; padding-left: 1.1em; }
dl { display: grid; grid-template-columns: auto 1fr; gap: 0 .8em; margin: .4em 0 0; } dt { color: var(--muted); } dd { margin: 0; }
.chart svg { width: 100%; height: 90px; background: var(--bg); border-radius: 4px; }
.series { fill: none; stroke-width: 1.5; vector-effect: non-scaling-stroke; }
.legend { display: flex; flex-wrap: wrap; gap: 0 .8em; margin: .2em 0 0; font-size: .85em; } .scale { margin-left: auto; }
table { width: 100%; border-collapse: collapse; } th, td { text-align: left; padding: .2em .5em; border-bottom: 1px solid var(--line); }
.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.cmd { font-family: ui-monospace, monospace; font-size: .85em; max-width: 36em; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.scroll { overflow-x: auto; } th.sorted a { font-weight: bold; text-decoration: underline; }
meter { width: 5em; vertical-align: middle; }
input, button { font: inherit; padding: .3em .6em; }
@media (max-width: 600px) { .cmd { display: none; } th:last-child { display: none; } }
"""#
}
