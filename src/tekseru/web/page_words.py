"""Pages compiled once per language, with the interface's fixed words written into the compiled template
and their fixed links read from a table of paths.

Why: `{{ t('layout.tagline') }}` is a call made on every page: Jinja's `Context.call` checks how to pass the
context, `_t` looks the message up, and autoescape escapes it, some ten thousand instructions each, and a
page says dozens of fixed words (the search page about forty, the subject card more). The catalogues are read
once per process and never change in it (`tekseru.i18n.catalogues`), so a call of `t` with one constant key
and nothing else gives the same text on every page of a language: here such a call becomes that text when
the template is compiled, and Jinja writes it, escaped once, into the template's own strings.

What is not written in: a call with parameters or a computed key (`t('risk.' ~ name)`, `t(title_key)`), a key
the catalogue does not have (the call stays and fails, as before, only on the page that reaches it), and
every call of a template that gives the name `t` to something else (a `set`, a loop or a macro's parameter).

Links alike: `url('static', path='app.css')`, a call whose arguments are all constants and that has no
query, becomes a look-up in the page's `fixed_paths` (`chrome.FixedPaths`: the path made once per app and
root path), since which routes an app has is not known when a template is compiled.
"""

from __future__ import annotations

from typing import Any

from jinja2 import Environment, nodes
from jinja2.visitor import NodeTransformer

from tekseru.i18n import translate
from tekseru.i18n.catalogues import MissingMessage

WORD_FUNCTION = "t"  # the templates' global for an interface message (templating._t)
URL_FUNCTION = "url"  # the templates' global for a link's path (templating._url)
FIXED_PATHS = "fixed_paths"  # what `render` hands every page: chrome.FixedPaths


class WordsWritten(Environment):
    """An environment for one language whose templates have their fixed words written in."""

    def __init__(self, language: str, **options: Any) -> None:
        super().__init__(**options)
        self.words_language = language

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        # Jinja's one step between parsing and compiling; the tree is ours to change before it is compiled
        return write_words(super()._parse(source, name, filename), self.words_language, self)


def write_words(tree: nodes.Template, language: str, environment: Environment) -> nodes.Template:
    """`tree` with each call `t('key')` replaced by the message's text in `language`, and each call of
    `url` with only constant arguments by its path in `fixed_paths` (see the module)."""
    bound = {name.name for name in tree.find_all(nodes.Name) if name.ctx in ("store", "param")}
    # a name the template binds to something else somewhere is left alone in all of it
    written = _Words(language, environment, WORD_FUNCTION not in bound, URL_FUNCTION not in bound).visit(tree)
    assert isinstance(written, nodes.Template)
    return written


class _Words(NodeTransformer):
    def __init__(self, language: str, environment: Environment, words: bool, paths: bool) -> None:
        self.language = language
        self.environment = environment
        self.words, self.paths = words, paths

    def visit_Call(self, node: nodes.Call) -> nodes.Node:
        self.generic_visit(node)  # changes the node in place: its arguments' own calls first
        called, args = node.node, node.args
        if not (
            isinstance(called, nodes.Name)
            and len(args) == 1
            and isinstance(args[0], nodes.Const)
            and isinstance(args[0].value, str)
            and node.dyn_args is None
            and node.dyn_kwargs is None
        ):
            return node
        if called.name == URL_FUNCTION and self.paths:
            return self._fixed_path(node, args[0].value)
        if called.name != WORD_FUNCTION or not self.words or node.kwargs:
            return node
        try:
            text = translate(self.language, args[0].value)
        except MissingMessage:
            return node
        return nodes.Const(text, lineno=node.lineno, environment=self.environment)

    def visit_Macro(self, node: nodes.Macro) -> nodes.Node:
        """A macro's links stay calls: a template may import it without the page's context, where there is no
        `fixed_paths` (its words do not need the context)."""
        paths, self.paths = self.paths, False
        try:
            return self.generic_visit(node)
        finally:
            self.paths = paths

    visit_CallBlock = visit_Macro

    def _fixed_path(self, node: nodes.Call, route: str) -> nodes.Node:
        """`url(route, name=value...)` with constant values (no query): `fixed_paths[(route, params)]`."""
        params = []
        for keyword in node.kwargs:
            if keyword.key == "query" or not isinstance(keyword.value, nodes.Const):
                return node
            params.append((keyword.key, keyword.value.value))
        key = (route, tuple(sorted(params)))
        found = nodes.Name(FIXED_PATHS, "load", lineno=node.lineno, environment=self.environment)
        at = nodes.Const(key, lineno=node.lineno, environment=self.environment)
        return nodes.Getitem(found, at, "load", lineno=node.lineno, environment=self.environment)
