"""Small builders shared by the ROS/DPIA tests."""
from risk import ros


def stage(likelihood, **consequences):
    return {"likelihood": likelihood, "consequences": consequences}


def new_ros(session, actor, service="svarut", **extra):
    payload = {"scope": "service", "service_code": service, "title": f"ROS {service}", **extra}
    return ros.create_assessment(session, actor, payload)


def risk(session, actor, assessment_id, title="Brev til feil mottaker", **extra):
    payload = {"title": title, "inherent": stage(4, confidentiality=4, privacy=3), "owner": "Per Produkt", **extra}
    return ros.add_risk(session, actor, assessment_id, payload)
