"""The engine's document side: documents as their readers see them, and the code they hold.

reading.py   a document's text and code blocks (Markdown, reST, notebooks, sphinx-gallery scripts)
quotes.py    every quote occurs in its document
printed.py   printed output -> a structure the judge compares
snippets.py  snippet claims: run the document's own blocks (snippet_runner.py, a seeded subprocess)
"""

from torchclaims.documents.reading import Block, Reading, find_block, read  # noqa: F401
