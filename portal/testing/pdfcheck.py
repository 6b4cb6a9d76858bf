"""Reading PDFs back with the tools a print house would use: qpdf, pdffonts, pdftotext."""

import io
import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pikepdf

_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')
_PAGE = re.compile(r"<page [^>]*>(.*?)</page>", re.S)


def run(*command: str) -> str:
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


def qpdf_check(path: Path) -> str:
    return run("qpdf", "--check", str(path))


def fonts(path: Path) -> list[dict[str, str]]:
    """pdffonts' table: one dict per font with its name and the emb/sub/uni columns."""
    lines = run("pdffonts", str(path)).splitlines()[2:]
    found = []
    for line in lines:
        parts = line.split()
        # name type... encoding emb sub uni object-id generation
        found.append({"name": parts[0], "emb": parts[-5], "sub": parts[-4], "uni": parts[-3]})
    return found


@dataclass(frozen=True)
class Word:
    text: str
    left: float
    top: float
    right: float
    bottom: float

    def inside(self, left: float, top: float, width: float, height: float) -> bool:
        """Inside a rectangle given in inches from the paper's top-left corner."""
        return (
            self.left >= left * 72
            and self.right <= (left + width) * 72
            and self.top >= top * 72
            and self.bottom <= (top + height) * 72
        )


def words_by_page(path: Path) -> list[list[Word]]:
    html = run("pdftotext", "-bbox", str(path), "-")
    pages = []
    for page in _PAGE.findall(html):
        pages.append(
            [Word(_unescape(m[4]), float(m[0]), float(m[1]), float(m[2]), float(m[3])) for m in _WORD.findall(page)]
        )
    return pages


def _unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&amp;", "&")


def page_texts(path: Path) -> list[str]:
    return run("pdftotext", "-layout", str(path), "-").split("\f")[:-1]


def page_count(content: bytes) -> int:
    with pikepdf.Pdf.open(io.BytesIO(content)) as pdf:
        return len(pdf.pages)


def first_page_text(content: bytes) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(content)
        f.flush()
        return page_texts(Path(f.name))[0]
