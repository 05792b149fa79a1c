from __future__ import annotations

import io

from tests.knowledge.conftest import wait_indexed
from tests.knowledge.docs import PRICING_MD, REFUNDS_HTML, SUPPORT_TXT
from tests.support import Api


async def upload(api: Api, dataset_id: str, name: str, body: bytes, kind: str) -> object:
    return await api.http.post(
        f"/v1/dataset/{dataset_id}/file/upload",
        params={"name": name},
        content=body,
        headers={**api.headers, "Content-Type": kind},
    )


async def make_dataset(api: Api) -> str:
    created = await api.post("dataset/create", {"name": "Handbook", "alias": "handbook"})
    assert created.status_code == 200
    return str(created.json()["id"])


async def test_dataset_and_record_crud(api: Api) -> None:
    dataset_id = await make_dataset(api)
    record = await api.post(
        f"dataset/{dataset_id}/record/create",
        {"text": "The office closes at 18:00.", "source": "office.md", "meta": {"k": 1}},
    )
    assert record.status_code == 200
    record_id = record.json()["id"]

    fetched = (await api.get(f"dataset/{dataset_id}/record/{record_id}/fetch")).json()
    assert fetched["text"] == "The office closes at 18:00."
    assert fetched["source"] == "office.md" and fetched["meta"] == {"k": 1}
    listed = (await api.get("dataset/@handbook/record/list")).json()["items"]
    assert [r["id"] for r in listed] == [record_id]
    assert (await api.post(f"dataset/{dataset_id}/update", {"name": "Wiki"})).status_code == 200
    assert (await api.get("dataset/list")).json()["items"][0]["name"] == "Wiki"

    changed = await api.post(
        f"dataset/{dataset_id}/record/{record_id}/update", {"text": "The office closes at 17:00."}
    )
    assert changed.json() == {"id": record_id}
    assert (
        "17:00" in (await api.get(f"dataset/{dataset_id}/record/{record_id}/fetch")).json()["text"]
    )
    deleted = await api.post(f"dataset/{dataset_id}/record/{record_id}/delete")
    assert deleted.json() == {"id": record_id}
    assert (await api.get(f"dataset/{dataset_id}/record/{record_id}/fetch")).status_code == 404

    assert (await api.post(f"dataset/{dataset_id}/delete")).json() == {"id": dataset_id}
    gone = await api.get(f"dataset/{dataset_id}/fetch")
    assert gone.status_code == 404
    assert gone.json() == {"message": "Dataset not found", "code": "NOT_FOUND"}


async def test_uploaded_files_are_split_indexed_and_found_by_meaning(api: Api) -> None:
    dataset_id = await make_dataset(api)
    for name, body, kind in [
        ("pricing.md", PRICING_MD, "text/markdown"),
        ("refunds.html", REFUNDS_HTML, "text/html"),
        ("support.txt", SUPPORT_TXT, "text/plain"),
    ]:
        answer = await upload(api, dataset_id, name, body.encode(), kind)
        assert answer.status_code == 200, answer.text  # type: ignore[attr-defined]

    index = await wait_indexed(api, dataset_id)
    assert index["records"] >= 4 and index["indexed"] == index["records"]
    records = (await api.get(f"dataset/{dataset_id}/record/list")).json()["items"]
    refund = next(r for r in records if r["source"] == "refunds.html")
    assert "30 days" in refund["text"] and "tracking" not in refund["text"]

    found = await api.post(f"dataset/{dataset_id}/search", {"search": "how much is Pro a month?"})
    assert found.status_code == 200
    best = found.json()["records"][0]
    assert best["source"] == "pricing.md" and "49 euros" in best["text"]
    assert 0 < best["score"] <= 1
    german = await api.post(
        f"dataset/{dataset_id}/search", {"search": "Kann ich mein Geld zurückbekommen?", "take": 1}
    )
    assert [r["source"] for r in german.json()["records"]] == ["refunds.html"]


async def test_a_pdf_upload_becomes_records(api: Api) -> None:
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    writer = PdfWriter()
    page = writer.add_blank_page(300, 300)
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        }
    )
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})}
    )
    stream = DecodedStreamObject()
    stream.set_data(b"BT /F1 12 Tf 20 200 Td (Parking is free for visitors.) Tj ET")
    page[NameObject("/Contents")] = writer._add_object(stream)
    pdf = io.BytesIO()
    writer.write(pdf)
    dataset_id = await make_dataset(api)

    answer = await upload(api, dataset_id, "visitors.pdf", pdf.getvalue(), "application/pdf")

    assert answer.status_code == 200  # type: ignore[attr-defined]
    records = (await api.get(f"dataset/{dataset_id}/record/list")).json()["items"]
    assert "Parking is free for visitors." in records[0]["text"]
    assert records[0]["source"] == "visitors.pdf"


async def test_bad_input_is_refused_and_nothing_is_stored(api: Api) -> None:
    dataset_id = await make_dataset(api)

    unsupported = await upload(api, dataset_id, "slides.pptx", b"PK\x03\x04", "application/zip")
    empty_text = await api.post(f"dataset/{dataset_id}/record/create", {"text": "   "})
    empty_file = await upload(api, dataset_id, "empty.md", b"\n\n  \n", "text/markdown")
    broken_pdf = await upload(
        api, dataset_id, "broken.pdf", b"%PDF-1.4 nonsense", "application/pdf"
    )
    oversized = await upload(api, dataset_id, "big.txt", b"word " * 300_000, "text/plain")
    empty_search = await api.post(f"dataset/{dataset_id}/search", {"search": ""})

    for refused in (unsupported, empty_text, empty_file, broken_pdf, empty_search):
        assert refused.status_code == 400, refused.text  # type: ignore[attr-defined]
        assert refused.json()["code"] == "BAD_REQUEST"  # type: ignore[attr-defined]
    assert "unsupported file type" in unsupported.json()["message"]  # type: ignore[attr-defined]
    assert oversized.status_code == 413  # type: ignore[attr-defined]
    index = (await api.get(f"dataset/{dataset_id}/fetch")).json()["index"]
    assert index["records"] == 0
    assert (await api.get(f"dataset/{dataset_id}/record/list")).json()["items"] == []


async def test_another_accounts_dataset_is_not_found_and_never_searched(
    api: Api, other_api: Api
) -> None:
    dataset_id = await make_dataset(api)
    record = await api.post(
        f"dataset/{dataset_id}/record/create", {"text": "The vault code is 4711.", "source": "x"}
    )
    record_id = record.json()["id"]
    own = await other_api.post("dataset/create", {"name": "Mine", "alias": "handbook"})
    assert own.status_code == 200

    for path in (
        f"dataset/{dataset_id}/fetch",
        f"dataset/{dataset_id}/record/list",
        f"dataset/{dataset_id}/record/{record_id}/fetch",
    ):
        assert (await other_api.get(path)).status_code == 404
    for path, body in (
        (f"dataset/{dataset_id}/search", {"search": "vault code"}),
        (f"dataset/{dataset_id}/record/create", {"text": "mine now"}),
        (f"dataset/{dataset_id}/record/{record_id}/delete", {}),
        (f"dataset/{dataset_id}/delete", {}),
        ("bot/create", {"name": "Spy", "datasetId": dataset_id}),
    ):
        answer = await other_api.post(path, body)
        assert answer.status_code == 404, path
    theirs = await other_api.post("dataset/@handbook/search", {"search": "vault code"})
    assert theirs.json()["records"] == []
    assert (await api.get(f"dataset/{dataset_id}/record/{record_id}/fetch")).status_code == 200


async def test_a_bot_links_a_dataset_by_id_or_alias(api: Api) -> None:
    dataset_id = await make_dataset(api)

    bot = (await api.post("bot/create", {"name": "Ada", "datasetId": "@handbook"})).json()
    fetched = (await api.get(f"bot/{bot['id']}/fetch")).json()
    assert fetched["datasetId"] == dataset_id
    await api.post(f"bot/{bot['id']}/update", {"datasetId": None})
    assert (await api.get(f"bot/{bot['id']}/fetch")).json()["datasetId"] is None
    await api.post(f"bot/{bot['id']}/update", {"datasetId": dataset_id})
    await api.post(f"dataset/{dataset_id}/delete")
    assert (await api.get(f"bot/{bot['id']}/fetch")).json()["datasetId"] is None


async def test_search_takes_any_text_as_words_not_query_syntax(api: Api) -> None:
    dataset_id = await make_dataset(api)
    await api.post(
        f"dataset/{dataset_id}/record/create", {"text": "Parking_lot rules: park anywhere."}
    )

    for query in ("parking_lot | & !(", 'rules" OR NEAR(', "_ :* <->", "¿¡"):
        found = await api.post(f"dataset/{dataset_id}/search", {"search": query})
        assert found.status_code == 200, (query, found.text)
    words = await api.post(f"dataset/{dataset_id}/search", {"search": "parking_lot | & !("})
    assert [r["text"] for r in words.json()["records"]] == ["Parking_lot rules: park anywhere."]
