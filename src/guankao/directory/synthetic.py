"""A synthetic national directory, for measuring search speed at the scale of Taiwan.

22 jurisdictions × 60 tasks × the eleven languages, made from a real directory (Keelung's): each
jurisdiction gets its own agencies (the city's name before each agency's) and 60 tasks drawn
from the real ones, each with its texts in every language, so the index holds the vocabulary
and the size a national deployment would.
"""

from __future__ import annotations

from dataclasses import replace

from guankao.directory.search.concepts import default_concepts
from guankao.directory.search.index import Document, SearchIndex
from guankao.directory.snapshot import Directory, Text, task_document

JURISDICTIONS = 22
TASKS_PER_JURISDICTION = 60
CITIES = (
    *("臺北市", "新北市", "桃園市", "臺中市", "臺南市", "高雄市", "基隆市", "新竹市", "嘉義市"),
    *("新竹縣", "苗栗縣", "彰化縣", "南投縣", "雲林縣", "嘉義縣", "屏東縣", "宜蘭縣", "花蓮縣"),
    *("臺東縣", "澎湖縣", "金門縣", "連江縣"),
)


def national_documents(source: Directory) -> list[Document]:
    """22 × 60 task documents modelled on ``source``, the same on every run."""
    tasks = sorted(source.tasks.values(), key=lambda t: t.position)
    documents: list[Document] = []
    for j, city in enumerate(CITIES[:JURISDICTIONS]):
        agencies = {
            slug: replace(
                agency,
                name=Text(
                    city + agency.name.source,
                    {k: (f"{v} {city}", d) for k, (v, d) in agency.name.translations.items()},
                ),
            )
            for slug, agency in source.agencies.items()
        }
        for n in range(TASKS_PER_JURISDICTION):
            # Past the real tasks, repeat them in an order that differs per jurisdiction.
            task = tasks[n] if n < len(tasks) else tasks[(7 * n + 3 * j) % len(tasks)]
            document = task_document(task, source.areas, agencies, f"j{j:02d}")
            documents.append(replace(document, key=f"j{j:02d}-{n}"))
    return documents


def national_index(source: Directory) -> SearchIndex:
    """One index over the whole synthetic country."""
    return SearchIndex(national_documents(source), default_concepts())


def jurisdiction_indexes(source: Directory) -> dict[str, SearchIndex]:
    """One index per synthetic jurisdiction, as the web app keeps them."""
    groups: dict[str, list[Document]] = {}
    for document in national_documents(source):
        groups.setdefault(document.group, []).append(document)
    return {g: SearchIndex(docs, default_concepts()) for g, docs in groups.items()}
