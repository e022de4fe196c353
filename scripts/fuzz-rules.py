"""Rules of the API that JSON Schema cannot state, taught to schemathesis.

The OpenAPI document states every field's form (types, patterns, bounds,
lists of codes). A few rules tie a field to another one or to the calendar;
the document states them in words, in the description of each operation,
and the service refuses a request that breaks them with 422. So that a
request "valid by the document" is valid for these rules too, this file
makes each positive case schemathesis draws obey them: a rule is mended,
never the case dropped, and negative cases (drawn to break the document)
are left as they are. Each rule here names the operation and the rule it
mirrors; a rule missing here shows up in the fuzzer's report as a
schema-valid request refused (ST202).

Loaded by scripts/fuzz through SCHEMATHESIS_HOOKS.
"""

from collections.abc import MutableMapping
import datetime as dt
import hashlib
import json
import os
import urllib.error
import urllib.request
import uuid
from urllib.parse import quote, unquote
from zoneinfo import ZoneInfo

import schemathesis
from hypothesis import strategies as st

# Dates of the calendar greffe computes (1900-01-01 to 2200-12-31,
# models::dates): the document states it as a pattern beside the date
# format, which the generator would otherwise draw from every year and
# filter away until hypothesis gives up.
schemathesis.openapi.format(
    "date", st.dates(dt.date(1900, 1, 1), dt.date(2200, 12, 31)).map(dt.date.isoformat)
)


def iso_week(date):
    year, week, _ = date.isocalendar()
    return f"{year}-W{week:02}"


# ISO weeks of the same calendar (GET /chambers/{code}/distribution?week=):
# the document's pattern admits a week 53 every year, the calendar only
# some years; the weeks drawn are the calendar's own.
schemathesis.openapi.format("iso-week", st.dates(dt.date(1900, 1, 8), dt.date(2200, 12, 20)).map(iso_week))


def positive(case):
    return case.meta is None or case.meta.generation.mode.is_positive


def day(raw):
    """The date an ISO day string names, or None."""
    if not isinstance(raw, str):
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        return None


def today():
    """The court's today: the day in Paris (models::dates::paris_date)."""
    return dt.datetime.now(ZoneInfo("Europe/Paris")).date()


def shift(date, days):
    try:
        return date + dt.timedelta(days=days)
    except OverflowError:
        return date


# Public holidays on fixed dates (models::calendar, Paris); the movable ones
# (Easter Monday, Ascension, Whit Monday) never fall on a Tuesday or a
# Wednesday.
FIXED_HOLIDAYS = {(1, 1), (5, 1), (5, 8), (7, 14), (8, 15), (11, 1), (11, 11), (12, 25)}


def working_day(date):
    """`date` if it is a Tuesday or Wednesday that is no holiday, else the
    next such day: always a working day in Paris."""
    for _ in range(14):
        if date.weekday() in (1, 2) and (date.month, date.day) not in FIXED_HOLIDAYS:
            return date
        later = shift(date, 1)
        if later == date:
            break
        date = later
    return date


def period(values, start_key, end_key, start_default, end_default, longest):
    """Mends `values[end_key]` so that start ≤ end ≤ start + longest days,
    the defaults standing for absent values."""
    start = day(values.get(start_key)) if start_key in values else start_default
    if start is None:
        return
    end = day(values.get(end_key)) if end_key in values else end_default(start)
    if end is None:
        return
    if end < start or (longest is not None and (end - start).days > longest):
        values[end_key] = start.isoformat()


def dossier_record(record, partial=False):
    """models::record::check_record: the procedure fits the nature, the
    attacked decision precedes the registration, a demandeur is among the
    parties, a lawyer's e-mail address has its lawyer, no recused magistrate
    reports the dossier; and the store's
    rule that a pourvoi is not registered after today."""
    if not isinstance(record, MutableMapping):
        return
    nature, procedure = record.get("nature"), record.get("procedure")
    penal = isinstance(procedure, str) and procedure.startswith("penal")
    if nature in ("civil", "penal") and isinstance(procedure, str) and penal != (nature == "penal"):
        record["procedure"] = nature
    elif partial and "procedure" in record and "nature" not in record:
        # The stored nature is unknown here: let the procedure follow it.
        del record["procedure"]
    elif partial and "nature" in record and "procedure" not in record:
        record["procedure"] = record["nature"] if record["nature"] in ("civil", "penal") else None
    # A pourvoi is registered on or before today (store::dossiers::checked).
    if (day(record.get("registered_on")) or today()) > today():
        record["registered_on"] = today().isoformat()
    attacked = record.get("attacked")
    registered = day(record.get("registered_on"))
    attacked_on = day(attacked.get("date")) if isinstance(attacked, MutableMapping) else None
    if registered and attacked_on and attacked_on > registered:
        attacked["date"] = registered.isoformat()
    elif partial and ("registered_on" in record) != (attacked_on is not None):
        # One of the two dates is patched alone: the stored other one is
        # unknown here.
        record.pop("registered_on", None)
        if isinstance(attacked, MutableMapping):
            attacked.pop("date", None)
    parties = record.get("parties")
    if isinstance(parties, list) and parties and not any(
        isinstance(p, MutableMapping) and p.get("role") == "demandeur" for p in parties
    ):
        if isinstance(parties[0], MutableMapping):
            parties[0]["role"] = "demandeur"
    elif isinstance(parties, list) and not parties and not partial:
        record["parties"] = [{"name": "Partie demanderesse", "role": "demandeur", "lawyer": None}]
    elif isinstance(parties, list) and not parties:
        del record["parties"]
    # A lawyer's e-mail address names its lawyer.
    for party in parties if isinstance(parties, list) else []:
        if isinstance(party, MutableMapping) and party.get("lawyer_email") and not party.get("lawyer"):
            party["lawyer"] = "SCP Avocat"
    # The earlier cassation goes with a ruling of referral, and only with
    # it; the previous pourvois are each given once, none the dossier's own
    # (models::record::check_description).
    nature_given, earlier_given = "attacked_nature" in record, "earlier_pourvoi" in record
    if partial and nature_given != earlier_given:
        # One of the two is patched alone: the stored other is unknown here.
        record.pop("attacked_nature", None)
        record.pop("earlier_pourvoi", None)
    elif record.get("attacked_nature") == "renvoi_apres_cassation":
        if not record.get("earlier_pourvoi") or canonical(record["earlier_pourvoi"]) == canonical(record.get("pourvoi")):
            record["earlier_pourvoi"] = "Z 10-10.001"
    elif record.get("earlier_pourvoi") is not None:
        record["earlier_pourvoi"] = None
    previous = record.get("previous_pourvois")
    if isinstance(previous, list):
        seen, kept = {canonical(record.get("pourvoi"))} if not partial else set(), []
        for number in previous:
            if partial and "pourvoi" not in record:
                # The stored number is unknown here: keep none.
                break
            key = canonical(number)
            if key not in seen:
                seen.add(key)
                kept.append(number)
        record["previous_pourvois"] = kept
    # A joined group holds dossiers of one chamber and section
    # (store::dossiers::check_joined_group); a patch's is mended once the
    # stored dossier is read (joined_together).
    if not partial and record.get("joined_group") is not None:
        record["joined_group"] = group_of(record["joined_group"], record.get("chamber"), record.get("section"))
    keywords = record.get("keywords")
    if isinstance(keywords, list):
        record["keywords"] = list(dict.fromkeys(keywords))
    rapporteurs = record.get("rapporteurs")
    recusals = record.get("recusals")
    if isinstance(recusals, list) and isinstance(rapporteurs, list):
        record["recusals"] = [r for r in recusals if not (isinstance(r, MutableMapping) and r.get("magistrate") in rapporteurs)]
    elif partial and (isinstance(recusals, list) or isinstance(rapporteurs, list)):
        # Patched alone, either may meet the stored other.
        record.pop("recusals", None)
        record.pop("rapporteurs", None)


def canonical(number):
    """A pourvoi number as the store compares it: its letter and digits."""
    if not isinstance(number, str):
        return None
    return "".join(c for c in number if c.isalnum()).upper()


def import_record(record):
    """store::import: a decision is dated on or after the registration;
    the events of a record happen on or after it too."""
    dossier = record.get("dossier")
    registered = day(dossier.get("registered_on")) if isinstance(dossier, MutableMapping) else None
    if registered is None:
        return
    decision = record.get("decision")
    if isinstance(decision, MutableMapping) and (day(decision.get("decided_on")) or registered) < registered:
        decision["decided_on"] = registered.isoformat()
    # A decided or closed record carries its decision, and only it does.
    if isinstance(decision, MutableMapping):
        if record.get("status") not in ("decided", "closed"):
            record["status"] = "decided"
    elif record.get("status") in ("decided", "closed"):
        record["status"] = None


def magistrate_absences(body):
    """An absence ends on or after its first day."""
    for absence in body.get("absences") or []:
        if isinstance(absence, MutableMapping):
            period(absence, "from", "to", None, None, None)


# The accounts the fuzzer runs as (scripts/fuzz): never revoked nor
# disabled by its own requests, or the rest of a run would get only 401s.
FUZZERS = {"admin", "greffe-civ1"}


def protect_fuzzers(case):
    """Points a revocation or a deactivation of a fuzzer's account at
    another account of the demonstration court."""
    path, method = case.operation.path, case.method.upper()
    params = case.path_parameters
    if not isinstance(params, MutableMapping) or unquote(str(params.get("id", ""))) not in FUZZERS:
        return
    body = case.body if isinstance(case.body, MutableMapping) else None
    revokes = method == "DELETE" and path == "/admin/users/{id}/tokens/{token_id}"
    disables = method == "PUT" and path == "/admin/users/{id}/active" and not (body and body.get("active") is True)
    if revokes or disables:
        params["id"] = "analyste"


# The resources a write names by address and version (If-Match): the
# collection that lists them, and the key of each listed item.
VERSIONED = {
    "/dossiers/{id}": ("id", "/dossiers?limit=200", lambda page: page["items"], "id"),
    "/plans/{id}": ("id", "/plans", lambda page: page, "id"),
    "/hearings/{id}": ("id", "/hearings", lambda page: page, "id"),
    "/magistrates/{id}": ("id", "/magistrates", lambda page: page, "id"),
    "/chambers/{code}": ("code", "/chambers", lambda page: page, "code"),
}
_listed = {}


def read(path):
    """GET `path` on the service under test as the fuzzing account
    (GREFFE_FUZZ_URL, GREFFE_FUZZ_TOKEN, set by scripts/fuzz): the status,
    the ETag and the JSON body."""
    request = urllib.request.Request(
        os.environ["GREFFE_FUZZ_URL"] + path,
        headers={"Authorization": "Bearer " + os.environ["GREFFE_FUZZ_TOKEN"]},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers.get("ETag"), json.load(response)
    except urllib.error.HTTPError as refused:
        return refused.code, None, None


def current_version(case):
    """A write valid by the document names a resource that is there, at the
    version it is: without this, nearly every positive case of a write with
    If-Match ends in 404 or 412 and the write itself is never reached. An
    address that names nothing the account reads is pointed at one that it
    does (chosen from the generated value, so a seed replays the same run),
    and If-Match is set to its current ETag."""
    headers = case.headers if isinstance(case.headers, MutableMapping) else None
    names = [n for n in headers or {} if n.lower() == "if-match"]
    params = case.path_parameters
    if not names or not isinstance(params, MutableMapping) or "GREFFE_FUZZ_URL" not in os.environ:
        return
    path = case.operation.path
    for resource, (param, listing, items, key) in VERSIONED.items():
        if path != resource and not path.startswith(resource + "/"):
            continue
        address = lambda value: resource.replace("{" + param + "}", quote(str(value), safe=""))
        status, etag, _ = read(address(unquote(str(params.get(param, "")))))
        if status != 200:
            if listing not in _listed:
                listed_status, _, page = read(listing)
                _listed[listing] = [item[key] for item in items(page)] if listed_status == 200 else []
            known = _listed[listing]
            if not known:
                return
            digest = hashlib.sha256(str(params.get(param)).encode()).digest()
            chosen = known[int.from_bytes(digest[:4], "big") % len(known)]
            params[param] = quote(str(chosen), safe="")
            status, etag, _ = read(address(chosen))
        if status == 200 and etag:
            for name in names:
                headers[name] = etag
        return


def decided_after_registration(case):
    """A decision is dated on or after the pourvoi's registration."""
    body = case.body if isinstance(case.body, MutableMapping) else None
    if case.method.upper() != "POST" or case.operation.path != "/dossiers/{id}/decision" or body is None:
        return
    decided = day(body.get("decided_on"))
    status, _, dossier = read("/dossiers/" + str((case.path_parameters or {}).get("id")))
    registered = day(dossier.get("registered_on")) if status == 200 else None
    if decided is not None and registered is not None and decided < registered:
        body["decided_on"] = registered.isoformat()


def group_of(group, chamber, section):
    """The name of a joined group kept to one chamber and section
    (store::dossiers::check_joined_group: joined dossiers are heard
    together, by one formation): the drawn name, marked with them."""
    if not isinstance(group, str) or not group.strip() or not isinstance(chamber, str):
        return group
    mark = f" · {chamber}" + (f"/{section}" if isinstance(section, str) else "")
    return group if group.endswith(mark) else group + mark


def joined_together(case):
    """A jonction, a patch or an orientation leaves every joined group
    within one chamber and section. The registration's own record is
    mended by dossier_record; these three need the stored dossier, read
    once the address is chosen."""
    path, method = case.operation.path, case.method.upper()
    body = case.body if isinstance(case.body, MutableMapping) else None
    event = method == "POST" and path == "/dossiers/{id}/events"
    patch = method == "PATCH" and path == "/dossiers/{id}"
    orientation = method == "POST" and path == "/dossiers/{id}/orientation"
    if body is None or not (event or patch or orientation):
        return
    status, _, stored = read("/dossiers/" + str((case.path_parameters or {}).get("id")))
    if status != 200:
        return
    if event and body.get("type") == "jonction":
        body["group"] = group_of(body.get("group"), stored.get("chamber"), stored.get("section"))
    elif patch:
        chamber = body.get("chamber", stored.get("chamber"))
        section = body["section"] if "section" in body else stored.get("section")
        group = body["joined_group"] if "joined_group" in body else stored.get("joined_group")
        if group is not None:
            body["joined_group"] = group_of(group, chamber, section)
    elif orientation and stored.get("joined_group") is not None:
        # Its group's other members stay where they are: so does it.
        body["chamber"], body["section"] = stored.get("chamber"), stored.get("section")


def same_address(case):
    """A replacement (PUT) names the resource of its address."""
    replaced = {"/chambers/{code}": ("code", "code"), "/hearings/{id}": ("id", "id"), "/magistrates/{id}": ("id", "id")}
    body = case.body if isinstance(case.body, MutableMapping) else None
    params = case.path_parameters or {}
    if case.method.upper() == "PUT" and case.operation.path in replaced and body is not None:
        key, param = replaced[case.operation.path]
        if isinstance(params.get(param), str):
            # schemathesis keeps path parameters percent-encoded.
            body[key] = unquote(params[param])


@schemathesis.hook
def before_call(ctx, case, **kwargs):
    """The rules that tie a request to its address, applied to the request
    as it is sent: the stateful phase fills the address from an earlier
    response after map_case has run."""
    protect_fuzzers(case)
    if positive(case):
        current_version(case)
        same_address(case)
        decided_after_registration(case)
        joined_together(case)


@schemathesis.hook
def map_case(ctx, case):
    protect_fuzzers(case)
    if not positive(case):
        return case
    path, method = case.operation.path, case.method.upper()
    query = case.query if isinstance(case.query, MutableMapping) else None
    body = case.body if isinstance(case.body, MutableMapping) else None

    # Views (plans::range): from ≤ to ≤ from + 366 days; from defaults to
    # today, to to eight weeks after from.
    if method == "GET" and path in ("/chambers/{code}/calendar", "/magistrates/{id}/agenda") and query is not None:
        period(query, "from", "to", today(), lambda start: shift(start, 56), 366)
    # Dashboard: from ≤ to; from defaults to a year before `today`, to to
    # `today` (itself today by default).
    if method == "GET" and path == "/dashboard" and query is not None:
        now = day(query.get("today")) if "today" in query else today()
        if now is not None:
            year_before = now.replace(year=now.year - 1) if now.year > 1 and (now.month, now.day) != (2, 29) else now
            period(query, "from", "to", year_before, lambda _: now, None)
    # A planning horizon (planning::horizon): start ≤ end ≤ start + 182 days.
    if method == "GET" and path == "/chambers/{code}/instance" and query is not None:
        period(query, "start", "end", None, None, 182)
    if method == "POST" and path == "/plans/jobs" and body is not None:
        period(body, "start", "end", None, None, 182)
    # Absences end on or after their first day.
    if method == "POST" and path == "/magistrates/{id}/absences" and body is not None:
        period(body, "from", "to", None, None, None)
    if path in ("/magistrates", "/magistrates/{id}") and method in ("POST", "PUT") and body is not None:
        magistrate_absences(body)
    # A chamber names each section once (store::reference::check_chamber):
    # a repeated section is left out.
    if path in ("/chambers", "/chambers/{code}") and method in ("POST", "PUT") and body is not None:
        sections = body.get("sections")
        if isinstance(sections, list):
            seen, kept = set(), []
            for section in sections:
                code = section.get("code") if isinstance(section, MutableMapping) else None
                if isinstance(code, str) and code in seen:
                    continue
                if isinstance(code, str):
                    seen.add(code)
                kept.append(section)
            body["sections"] = kept
    # A hearing sits on a working day in Paris.
    if path in ("/hearings", "/hearings/{id}") and method in ("POST", "PUT") and body is not None:
        date = day(body.get("date"))
        if date is not None:
            body["date"] = working_day(date).isoformat()
    # The dossier's record.
    if method == "POST" and path == "/dossiers" and body is not None:
        dossier_record(body)
    if method == "PATCH" and path == "/dossiers/{id}" and body is not None:
        dossier_record(body, partial=True)
        # The pourvoi number is never changed by a patch.
        body.pop("pourvoi", None)
    if method == "POST" and path == "/admin/import" and body is not None:
        for record in body.get("dossiers") or []:
            if isinstance(record, MutableMapping):
                dossier_record(record.get("dossier"))
                import_record(record)
    # A token expires today or later.
    if method == "POST" and path == "/admin/users/{id}/tokens" and body is not None:
        expires = day(body.get("expires_on"))
        if expires is not None and expires < today():
            body["expires_on"] = today().isoformat()
    # Events: an ordonnance d'abréviation names the deadline it shortens
    # and its new due date; a jonction names its group.
    if method == "POST" and path == "/dossiers/{id}/events" and body is not None:
        kind = body.get("type")
        if kind == "ordonnance_abreviation":
            body.setdefault("rule", None)
            body.setdefault("new_due", None)
            if body["rule"] is None or body["new_due"] is None:
                body["type"] = "notification"
        if body.get("cancel") is True and body.get("corrects") is None:
            # A cancellation names the entry it cancels.
            body["cancel"] = False
        if kind == "jonction" and not (isinstance(body.get("group"), str) and body["group"].strip()):
            body["group"] = "G1"
    # An Idempotency-Key names one request: the same key with another
    # request is refused with 422 (draft-ietf-httpapi-idempotency-key-header).
    headers = case.headers if isinstance(case.headers, MutableMapping) else None
    for name in [n for n in headers or {} if n.lower() == "idempotency-key"]:
        headers[name] = str(uuid.uuid4())
    # A simulation starts on a Monday, within the years the document's
    # pattern admits: the Monday before, or after when the one before falls
    # in the year before (2000-01-01 is a Saturday; 1999-12-27 is refused).
    if method == "POST" and path == "/simulations" and body is not None:
        start = day(body.get("start"))
        if start is not None:
            monday = shift(start, -start.weekday())
            if monday.year != start.year:
                monday = shift(monday, 7)
            body["start"] = monday.isoformat()

    # Referrals (api::orientation, models::orientation::check_reason and
    # check_chambers): a reason of at least ten characters unless a rule
    # of the orientation suggests the referral; a chambre mixte of at least
    # three chambers, the dossier's among them; the assemblée plénière with
    # none named. Which rule fires and the dossier's chamber depend on the
    # dossier: a positive case gives a reason, and every chamber to a CM.
    if method == "POST" and path == "/dossiers/{id}/referral" and body is not None:
        reason = body.get("reason")
        if not isinstance(reason, str) or len(reason.strip()) < 10:
            body["reason"] = "Renvoi ordonné pour les besoins de l'essai de l'API."
        if body.get("formation") == "CM":
            body["chambers"] = ["civ1", "civ2", "civ3", "comm", "soc", "cr"]
        elif body.get("formation") == "AP":
            body["chambers"] = []

    # Not rules of the API: the fuzz's own bounds on work, so that a run
    # stays within minutes on two cores (a year of simulated court or a ten
    # minute solve is valid, and measured by the benchmarks instead).
    if method == "POST" and path == "/simulations" and body is not None:
        for key, most in (("weeks", 2), ("planning_weeks", 1), ("lead_weeks", 2)):
            if isinstance(body.get(key), int) and body[key] > most:
                body[key] = most
        if not isinstance(body.get("node_limit"), int) or not 0 < body["node_limit"] <= 200:
            body["node_limit"] = 200
    if method == "POST" and path == "/plans/jobs" and body is not None:
        limit = body.get("time_limit_s")
        if not isinstance(limit, (int, float)) or limit > 2:
            body["time_limit_s"] = 1
    return case


@schemathesis.hook
def before_add_examples(ctx, examples):
    """The examples phase builds its cases from the document's examples
    without `map_case`: they obey the same rules."""
    for case in examples:
        map_case(ctx, case)
