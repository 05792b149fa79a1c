"""The knowledge base on the dashboard, over HTTP: datasets and their records created, edited
and deleted from forms, a file uploaded and split into records, indexing progress, search with
scores, a bot linked to a dataset; bad uploads said so and nothing kept; another account's
datasets not found on any page or form; cross-site posts refused."""

from __future__ import annotations

import asyncio
import html
import re
import time

import httpx2
import pytest

from delegate.bootstrap import Container
from tests.knowledge.docs import PRICING_MD, SUPPORT_TXT
from tests.support import Api

ORIGIN = "http://delegate.test"


@pytest.fixture
def browser(api: Api) -> httpx2.AsyncClient:
    """The app as alice's signed-in browser: her cookie, and the Origin a browser sends."""
    api.http.cookies.set("delegate_session", api.token)
    return api.http


def _csrf(page: str) -> str:
    found = re.search(r'name="csrf" value="([0-9a-f]+)"', page)
    assert found, "no CSRF field on the page"
    return found.group(1)


def _text(page: str) -> str:
    """What a reader sees: the page without its tags, spaces collapsed."""
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", page).split()))


async def _post(browser: httpx2.AsyncClient, path: str, fields: dict[str, str]) -> httpx2.Response:
    page = await browser.get("/datasets")
    return await browser.post(
        path, data={"csrf": _csrf(page.text), **fields}, headers={"Origin": ORIGIN}
    )


async def _upload(
    browser: httpx2.AsyncClient, dataset_path: str, name: str, body: bytes, kind: str
) -> httpx2.Response:
    page = await browser.get(dataset_path)
    return await browser.post(
        dataset_path + "/upload",
        data={"csrf": _csrf(page.text)},
        files={"file": (name, body, kind)},
        headers={"Origin": ORIGIN, "Accept": "text/html"},
    )


async def _new_dataset(browser: httpx2.AsyncClient, name: str = "Handbook") -> str:
    created = await _post(browser, "/datasets", {"name": name, "description": "Company facts"})
    assert created.status_code == 303, created.text
    return str(created.headers["location"])


async def _records(api: Api, dataset_path: str) -> list[dict[str, object]]:
    found = await api.get(f"dataset/{dataset_path.rsplit('/', 1)[-1]}/record/list")
    assert found.status_code == 200
    return found.json()["items"]  # type: ignore[no-any-return]


async def _wait_progress_done(browser: httpx2.AsyncClient, dataset_path: str) -> str:
    """Poll the progress fragment, as the page does, until every record is indexed."""
    deadline = time.monotonic() + 120
    while True:
        fragment = await browser.get(dataset_path + "/progress")
        assert fragment.status_code == 200
        if "hx-get" not in fragment.text:
            return _text(fragment.text)
        assert time.monotonic() < deadline, f"not indexed in time: {_text(fragment.text)}"
        await asyncio.sleep(0.2)


async def test_datasets_are_created_edited_and_deleted(
    api: Api, browser: httpx2.AsyncClient
) -> None:
    path = await _new_dataset(browser)
    listed = _text((await browser.get("/datasets")).text)
    assert "Handbook" in listed and "Company facts" in listed
    edited = await _post(
        browser, path, {"name": "Wiki", "alias": "wiki", "description": "", "meta": '{"a": 1}'}
    )
    assert edited.status_code == 303
    fetched = (await api.get("dataset/@wiki/fetch")).json()
    assert (fetched["name"], fetched["description"], fetched["meta"]) == ("Wiki", "", {"a": 1})
    too_long = await _post(browser, path, {"name": "x" * 300})
    assert too_long.status_code == 400 and "name" in too_long.text
    not_an_object = await _post(browser, path, {"name": "Wiki", "meta": "[1, 2]"})
    assert not_an_object.status_code == 400 and "JSON object" in not_an_object.text
    assert (await api.get("dataset/@wiki/fetch")).json()["name"] == "Wiki"
    deleted = await _post(browser, path + "/delete", {})
    assert (deleted.status_code, deleted.headers["location"]) == (303, "/datasets")
    assert (await browser.get(path)).status_code == 404
    assert "Wiki" not in (await browser.get("/datasets")).text


async def test_records_are_added_edited_and_deleted(api: Api, browser: httpx2.AsyncClient) -> None:
    path = await _new_dataset(browser)
    added = await _post(
        browser, path + "/records", {"text": "The office closes at 18:00.", "source": "office.md"}
    )
    assert added.status_code == 303
    [record] = await _records(api, path)
    page = _text((await browser.get(path)).text)
    assert "The office closes at 18:00." in page and "office.md" in page
    record_path = f"{path}/records/{record['id']}"
    edited = await _post(
        browser, record_path, {"text": "The office closes at 17:00.", "source": ""}
    )
    assert edited.status_code == 303
    [changed] = await _records(api, path)
    assert (changed["text"], changed["source"]) == ("The office closes at 17:00.", "")
    assert "17:00" in (await browser.get(record_path)).text
    empty = await _post(browser, path + "/records", {"text": "  "})
    assert empty.status_code == 400 and len(await _records(api, path)) == 1
    assert (await _post(browser, record_path + "/delete", {})).status_code == 303
    assert await _records(api, path) == []
    assert (await browser.get(record_path)).status_code == 404


async def test_an_uploaded_markdown_file_is_indexed_and_searched_from_the_page(
    api: Api, browser: httpx2.AsyncClient
) -> None:
    path = await _new_dataset(browser)
    for name, body, kind in [
        ("pricing.md", PRICING_MD, "text/markdown"),
        ("support.txt", SUPPORT_TXT, "text/plain"),
    ]:
        uploaded = await _upload(browser, path, name, body.encode(), kind)
        assert uploaded.status_code == 303, uploaded.text
    records = await _records(api, path)
    assert {r["source"] for r in records} == {"pricing.md", "support.txt"}
    page = (await browser.get(path)).text
    assert all(f'id="record-{r["id"]}"' in page for r in records)

    progress = await _wait_progress_done(browser, path)
    assert f"All {len(records)} records indexed" in progress
    listed = _text((await browser.get("/datasets")).text)
    assert re.search(rf"Handbook .*{len(records)} done", listed)

    searched = await browser.get(path, params={"search": "how much is Pro a month?"})
    assert searched.status_code == 200
    results = re.search(r'<section aria-label="Search results".*?</section>', searched.text, re.S)
    assert results, "no search results on the page"
    first = re.search(r"<li[^>]*>(.*?)</li>", results.group(0), re.S)
    assert first and "pricing.md" in first.group(1) and "49 euros" in first.group(1)
    score = re.search(r'title="similarity">([0-9.]+)<', first.group(1))
    assert score and 0 < float(score.group(1)) <= 1


async def test_a_bad_upload_says_why_on_the_page_and_keeps_nothing(
    api: Api, browser: httpx2.AsyncClient, container: Container
) -> None:
    path = await _new_dataset(browser)
    too_large = b"x" * (container.settings.api.max_body_bytes + 1)
    cases = [
        ("slides.pptx", b"PK\x03\x04 not a text file", "application/octet-stream", 400),
        ("empty.md", b"", "text/markdown", 400),
        ("blank.txt", b"   \n\n  ", "text/plain", 400),
        ("big.txt", too_large, "text/plain", 413),
    ]
    for name, body, kind, status in cases:
        answer = await _upload(browser, path, name, body, kind)
        shown = _text(answer.text)
        assert answer.status_code == status, (name, shown)
        assert 'role="alert"' in answer.text, name
        if status == 413:
            assert "The file is too large" in shown and "KiB" in shown
            assert f'href="{path}"' in answer.text  # leads back to the dataset
        else:
            assert "Upload a file" in shown  # the dataset page, next to the form
    unsupported = _text((await _upload(browser, path, *cases[0][:3])).text)
    assert "unsupported file type" in unsupported
    assert "holds no text" in _text((await _upload(browser, path, *cases[2][:3])).text)
    no_file = await _post(browser, path + "/upload", {})
    assert no_file.status_code == 400 and "Choose a file" in no_file.text
    assert await _records(api, path) == []


async def test_a_bot_is_linked_to_one_of_the_accounts_datasets(
    api: Api, other_api: Api, browser: httpx2.AsyncClient
) -> None:
    path = await _new_dataset(browser, "Handbook")
    dataset_id = path.rsplit("/", 1)[-1]
    theirs = (await other_api.post("dataset/create", {"name": "Mallory secrets"})).json()["id"]
    form = (await browser.get("/bots")).text
    picker = re.search(r'<select id="bot-dataset".*?</select>', form, re.S)
    assert picker and '<label for="bot-dataset">' in form
    assert f'value="{dataset_id}"' in picker.group(0) and "Handbook" in picker.group(0)
    assert theirs not in form and "Mallory secrets" not in form

    created = await _post(browser, "/bots", {"name": "Helper", "datasetId": dataset_id})
    assert created.status_code == 303
    bot_path = created.headers["location"]
    fetch = f"bot/{bot_path.rsplit('/', 1)[-1]}/fetch"
    assert (await api.get(fetch)).json()["datasetId"] == dataset_id
    assert f'value="{dataset_id}" selected' in (await browser.get(bot_path)).text

    stolen = await _post(browser, bot_path, {"name": "Helper", "datasetId": theirs})
    assert stolen.status_code == 404
    assert (await api.get(fetch)).json()["datasetId"] == dataset_id
    unlinked = await _post(browser, bot_path, {"name": "Helper", "datasetId": ""})
    assert unlinked.status_code == 303
    assert (await api.get(fetch)).json()["datasetId"] is None


async def test_another_accounts_dataset_is_not_found_on_any_page_or_form(
    other_api: Api, browser: httpx2.AsyncClient
) -> None:
    theirs = (await other_api.post("dataset/create", {"name": "Mallory secrets"})).json()["id"]
    record = await other_api.post(f"dataset/{theirs}/record/create", {"text": "The vault code."})
    record_id = record.json()["id"]
    path, record_path = f"/datasets/{theirs}", f"/datasets/{theirs}/records/{record_id}"
    for page in (path, path + "/progress", record_path, f"{path}?search=vault"):
        assert (await browser.get(page)).status_code == 404, page
    posts = [
        (path, {"name": "Taken"}),
        (path + "/delete", {}),
        (path + "/records", {"text": "Planted"}),
        (record_path, {"text": "Changed"}),
        (record_path + "/delete", {}),
    ]
    for target, fields in posts:
        assert (await _post(browser, target, fields)).status_code == 404, target
    mine = await browser.get("/datasets")
    planted = await browser.post(
        path + "/upload",
        data={"csrf": _csrf(mine.text)},
        files={"file": ("x.md", b"# Planted\n\nText.", "text/markdown")},
        headers={"Origin": ORIGIN},
    )
    assert planted.status_code == 404
    assert "Mallory secrets" not in (await browser.get("/datasets")).text
    assert (await other_api.get(f"dataset/{theirs}/fetch")).json()["name"] == "Mallory secrets"
    [kept] = (await other_api.get(f"dataset/{theirs}/record/list")).json()["items"]
    assert kept["text"] == "The vault code."


async def test_forged_dataset_forms_are_refused_and_change_nothing(
    api: Api, browser: httpx2.AsyncClient
) -> None:
    path = await _new_dataset(browser)
    page = await browser.get(path)
    cross_site = await browser.post(
        "/datasets",
        data={"csrf": _csrf(page.text), "name": "Sneaky"},
        headers={"Origin": "https://attacker.example"},
    )
    no_csrf = await browser.post(path + "/records", data={"text": "Planted"})
    forged_upload = await browser.post(
        path + "/upload",
        data={"csrf": "0" * 64},
        files={"file": ("x.md", b"# Planted\n\nText.", "text/markdown")},
        headers={"Origin": ORIGIN},
    )
    cross_site_upload = await browser.post(
        path + "/upload",
        data={"csrf": _csrf(page.text)},
        files={"file": ("x.md", b"# Planted\n\nText.", "text/markdown")},
        headers={"Origin": "https://attacker.example"},
    )
    assert [r.status_code for r in (cross_site, no_csrf, forged_upload, cross_site_upload)] == [
        403,
        403,
        403,
        403,
    ]
    assert "Sneaky" not in (await api.get("dataset/list")).text
    assert await _records(api, path) == []


async def test_every_dataset_control_has_a_label(browser: httpx2.AsyncClient) -> None:
    path = await _new_dataset(browser)
    await _post(browser, path + "/records", {"text": "Labelled.", "source": "a.md"})
    for page in ("/datasets", path):
        text = (await browser.get(page)).text
        controls = re.findall(r"<(?:input|select|textarea)\b[^>]*>", text)
        for control in controls:
            if 'type="hidden"' in control:
                continue
            control_id = re.search(r'id="([^"]+)"', control)
            assert control_id, (page, control)
            assert f'<label for="{control_id.group(1)}"' in text, (page, control)
