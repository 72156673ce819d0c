"""A small Ed-Fi ODS/API for tests: the Grand Bend sample in the API's resource shapes.

It follows the ODS/API's rules that a client must get right: OAuth2 client credentials at
`/oauth/token` (HTTP Basic), bearer tokens that expire, year-specific routes
(`/data/v3/2022/ed-fi/<resource>`), `offset`/`limit` paging with a maximum page size, and
it can be told to answer 429 or 5xx on chosen requests, or to fail from some request on.
The resources are built from the XML with the standard library's parser, independently of
the importer.
"""

from __future__ import annotations

import json
import threading
import uuid
import xml.etree.ElementTree as ET
from base64 import b64decode
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

NS = "{http://ed-fi.org/5.2.0}"
KEY, SECRET = "district-key", "district-secret"
MAX_PAGE = 500


def _t(e: ET.Element, path: str) -> str | None:
    found = e.find("/".join(NS + p for p in path.split("/")))
    return None if found is None or found.text is None else found.text.strip()


def _all(e: ET.Element, path: str) -> list[str]:
    return [x.text.strip() for x in e.findall("/".join(NS + p for p in path.split("/")))
            if x.text]


def _records(folder: Path, file: str, tag: str) -> list[ET.Element]:
    return [e for e in ET.parse(folder / file).getroot() if e.tag == NS + tag]


def _year(v: str | None) -> int | None:
    return int(v[-4:]) if v else None


def resources(folder: Path) -> dict[str, list[dict]]:
    """Grand Bend as ODS/API v5+ JSON resources."""
    stu = "StudentReference/StudentIdentity/StudentUniqueId"
    out: dict[str, list[dict]] = {}
    out["localEducationAgencies"] = [{
        "id": uuid.uuid4().hex, "localEducationAgencyId": int(_t(e, "LocalEducationAgencyId")),
        "nameOfInstitution": _t(e, "NameOfInstitution"),
        "addresses": [{"stateAbbreviationDescriptor": s}
                      for s in _all(e, "Address/StateAbbreviation")][:1]}
        for e in _records(folder, "EducationOrganization.xml", "LocalEducationAgency")]
    out["schools"] = [{
        "id": uuid.uuid4().hex, "schoolId": int(_t(e, "SchoolId")),
        "nameOfInstitution": _t(e, "NameOfInstitution"),
        "localEducationAgencyReference": {"localEducationAgencyId": 255901},
        "gradeLevels": [{"gradeLevelDescriptor": g} for g in _all(e, "GradeLevel")],
        "schoolCategories": [{"schoolCategoryDescriptor": c}
                             for c in _all(e, "SchoolCategory")],
        "titleIPartASchoolDesignationDescriptor": _t(e, "TitleIPartASchoolDesignation")}
        for e in _records(folder, "EducationOrganization.xml", "School")]
    out["students"] = [{
        "id": uuid.uuid4().hex, "studentUniqueId": _t(e, "StudentUniqueId"),
        "firstName": _t(e, "Name/FirstName"), "lastSurname": _t(e, "Name/LastSurname"),
        "birthDate": _t(e, "BirthData/BirthDate")}
        for e in _records(folder, "Student.xml", "Student")]
    events = []
    for e in _records(folder, "StudentSchoolAttendance.xml", "StudentSchoolAttendanceEvent"):
        r = {"id": uuid.uuid4().hex, "studentReference": {"studentUniqueId": _t(e, stu)},
             "schoolReference": {"schoolId": int(_t(e, "SchoolReference/SchoolIdentity/"
                                                       "SchoolId"))},
             "sessionReference": {
                 "schoolYear": _year(_t(e, "SessionReference/SessionIdentity/SchoolYear")),
                 "sessionName": _t(e, "SessionReference/SessionIdentity/SessionName")},
             "eventDate": _t(e, "AttendanceEvent/EventDate"),
             "attendanceEventCategoryDescriptor": _t(e, "AttendanceEvent/"
                                                        "AttendanceEventCategory")}
        if (d := _t(e, "AttendanceEvent/EventDuration")) is not None:
            r["eventDuration"] = float(d)
        events.append(r)
    out["studentSchoolAttendanceEvents"] = events
    out["disciplineIncidents"] = [{
        "id": uuid.uuid4().hex, "incidentIdentifier": _t(e, "IncidentIdentifier"),
        "schoolReference": {"schoolId": int(_t(e, "SchoolReference/SchoolIdentity/SchoolId"))},
        "incidentDate": _t(e, "IncidentDate")}
        for e in _records(folder, "StudentDiscipline.xml", "DisciplineIncident")]
    assoc = ("StudentDisciplineIncidentBehaviorAssociationReference/"
             "StudentDisciplineIncidentBehaviorAssociationIdentity/")
    out["disciplineActions"] = [{
        "id": uuid.uuid4().hex,
        "disciplineActionIdentifier": _t(e, "DisciplineActionIdentifier"),
        "disciplineDate": _t(e, "DisciplineDate"),
        "disciplines": [{"disciplineDescriptor": d} for d in _all(e, "Discipline")],
        "actualDisciplineActionLength": float(_t(e, "ActualDisciplineActionLength")),
        "studentReference": {"studentUniqueId": _t(e, stu)},
        "responsibilitySchoolReference": {"schoolId": int(_t(
            e, "ResponsibilitySchoolReference/SchoolIdentity/SchoolId"))},
        "studentDisciplineIncidentBehaviorAssociations": [{
            "studentDisciplineIncidentBehaviorAssociationReference": {
                "incidentIdentifier": _t(e, assoc + "DisciplineIncidentReference/"
                                                    "DisciplineIncidentIdentity/"
                                                    "IncidentIdentifier"),
                "schoolId": int(_t(e, assoc + "DisciplineIncidentReference/"
                                              "DisciplineIncidentIdentity/SchoolReference/"
                                              "SchoolIdentity/SchoolId")),
                "studentUniqueId": _t(e, stu),
                "behaviorDescriptor": _t(e, assoc + "Behavior")}}]}
        for e in _records(folder, "StudentDiscipline.xml", "DisciplineAction")]
    return out


class Api:
    """The server's state: what it serves, which requests fail, what it was asked."""

    def __init__(self, data: dict[str, list[dict]], *, year: int = 2022,
                 token_uses: int = 10**9) -> None:
        self.data = data
        self.year = year
        self.token_uses = token_uses  # requests a token serves before it expires
        self.tokens: dict[str, int] = {}
        self.faults: dict[tuple[str, int], list[int]] = {}  # (resource, offset) -> statuses
        self.fail_from: int | None = None  # every data request from this one on gets 500
        self.requests: list[tuple[str, int]] = []
        self.token_requests = 0

    def handler(self) -> type[BaseHTTPRequestHandler]:
        api = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def _send(self, status: int, body: object, headers: dict | None = None) -> None:
                raw = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                form = parse_qs(self.rfile.read(length).decode())
                auth = self.headers.get("Authorization", "")
                ok = auth.startswith("Basic ") and b64decode(auth[6:]).decode() == \
                    f"{KEY}:{SECRET}" and form.get("grant_type") == ["client_credentials"]
                if urlsplit(self.path).path != "/oauth/token" or not ok:
                    return self._send(401, {"error": "invalid_client"})
                api.token_requests += 1
                token = uuid.uuid4().hex
                api.tokens[token] = api.token_uses
                self._send(200, {"access_token": token, "expires_in": 1800,
                                 "token_type": "bearer"})

            def do_GET(self) -> None:
                url = urlsplit(self.path)
                token = self.headers.get("Authorization", "").removeprefix("Bearer ")
                if api.tokens.get(token, 0) <= 0:
                    return self._send(401, {"message": "Authorization denied: expired token"})
                api.tokens[token] -= 1
                prefix = f"/data/v3/{api.year}/ed-fi/"
                if not url.path.startswith(prefix):
                    return self._send(404, {"message": "not found"})
                resource = url.path[len(prefix):]
                q = parse_qs(url.query)
                offset, limit = int(q.get("offset", ["0"])[0]), int(q.get("limit", ["25"])[0])
                if limit > MAX_PAGE:
                    return self._send(400, {"message": f"limit must be at most {MAX_PAGE}"})
                api.requests.append((resource, offset))
                if api.fail_from is not None and len(api.requests) >= api.fail_from:
                    return self._send(500, {"message": "the ODS is down"})
                planned = api.faults.get((resource, offset))
                if planned:
                    return self._send(planned.pop(0), {"message": "try later"},
                                      {"Retry-After": "0"})
                if resource not in api.data:
                    return self._send(404, {"message": "no such resource"})
                self._send(200, api.data[resource][offset: offset + limit])

        return Handler


@contextmanager
def serve(api: Api) -> Iterator[str]:
    """Run the API on a free local port; yields its base URL (…/data/v3)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), api.handler())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/data/v3"
    finally:
        server.shutdown()
        server.server_close()
