"""The one table of EMC's statuses (dossiers.transitions.EMC_STATUS): each entry is an edge of the state
machine that changes the dossier's status, every EMC status is reached, and nothing else is reported."""

from __future__ import annotations

from dossiers.transitions import EMC_STATUS, TRANSITIONS, Action, Status, emc_status, target_status


def test_each_entry_is_a_status_changing_edge_of_the_state_machine():
    for (action, source), _code in EMC_STATUS.items():
        assert source in TRANSITIONS[action].sources, (action, source)
        assert target_status(action, source) != source, (action, source)


def test_every_emc_status_is_reached_where_its_name_says():
    reached = {
        code: {
            target_status(action, source)
            for (action, source) in EMC_STATUS
            if EMC_STATUS[action, source] == code
        }
        for code in EMC_STATUS.values()
    }
    assert reached == {
        1: {Status.RECEIVED},  # received
        2: {Status.PROCESSING},  # processing again after a supplement or a pause
        3: {Status.DELIVERED},  # result returned
        4: {Status.PROCESSING},  # assigned: handed from reception to the handling officer
    }


def test_reception_and_delivery_are_reported_once_in_a_lifecycle():
    assert emc_status(Action.RECEIVE, Status.SUBMITTED) == 1
    assert emc_status(Action.DELIVER, Status.RESOLVED) == 3
    # The first hand-over is an assignment; the forwards within processing are steps, not news to EMC.
    assert emc_status(Action.FORWARD, Status.RECEIVED) == 4
    assert emc_status(Action.FORWARD, Status.PROCESSING) is None


def test_other_events_are_not_reported():
    assert emc_status("create", "") is None
    assert emc_status("edit_draft", "draft") is None
    assert emc_status(Action.RESOLVE, Status.PROCESSING) is None
    assert emc_status(Action.REQUEST_SUPPLEMENT, Status.PROCESSING) is None
    reported = {action for action, _source in EMC_STATUS}
    assert reported == {
        Action.RECEIVE,
        Action.FORWARD,
        Action.CONSULT,
        Action.RECEIVE_SUPPLEMENT,
        Action.RESUME,
        Action.DELIVER,
    }
