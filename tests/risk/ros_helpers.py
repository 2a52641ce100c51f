"""Small builders shared by the ROS/DPIA tests."""
from data.access import Actor
from risk import dpia, ros

# Two people sign: the security officer (or a test's preparer) submits and asks, the leader approves and decides.
LEADER = Actor(username="leder", roles=frozenset({"leader"}), full_name="Lise Leder")


def stage(likelihood, **consequences):
    return {"likelihood": likelihood, "consequences": consequences}


def new_ros(session, actor, service="svarut", **extra):
    payload = {"scope": "service", "service_code": service, "title": f"ROS {service}", **extra}
    return ros.create_assessment(session, actor, payload)


def risk(session, actor, assessment_id, title="Brev til feil mottaker", **extra):
    payload = {"title": title, "inherent": stage(4, confidentiality=4, privacy=3), "owner": "Per Produkt", **extra}
    return ros.add_risk(session, actor, assessment_id, payload)


def approve(session, preparer, assessment_id):
    """Submit a ROS version as `preparer`, then approve it as the leader."""
    ros.submit(session, preparer, assessment_id)
    return ros.approve(session, LEADER, assessment_id)


def approve_dpia(session, preparer, dpia_id):
    """Submit a DPIA as `preparer`, then approve it as the leader."""
    dpia.submit(session, preparer, dpia_id)
    return dpia.approve(session, LEADER, dpia_id)


def accept(session, preparer, risk_id, rationale="Akseptert", expires_on=None, decided_on=None, proposed=None):
    """`preparer` asks for acceptance of a risk, the leader grants it until `expires_on`."""
    request = ros.request_acceptance(session, preparer, risk_id, {"rationale": rationale, "expires_on": proposed})
    decision = {"decision": "accepted", "rationale": rationale, "expires_on": expires_on}
    if decided_on is not None:
        decision["decided_on"] = decided_on
    return ros.decide_acceptance(session, LEADER, request.id, decision)
