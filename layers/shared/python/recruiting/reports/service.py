"""The recruiter's side of reports: request one (built asynchronously), fetch it when it
is ready, and subscribe to one by e-mail.

Recipients see only what their role may: admins and recruiters every job; a hiring
manager's reports and subscriptions are always limited to the jobs they manage;
interviewers get none.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from recruiting import clock
from recruiting.auth import Principal, Role, require
from recruiting.errors import FieldError, NotFound, ValidationFailed
from recruiting.reports.cadence import next_run, run_request
from recruiting.reports.models import ReportRequest, SubscriptionRequest
from recruiting.storage.files import ResumeStore
from recruiting.storage.items import ReportRunItem, SubscriptionItem
from recruiting.storage.reports import ReportRepository, due_keys

LINK_SECONDS = 15 * 60
ROLES = (Role.ADMIN, Role.RECRUITER, Role.HIRING_MANAGER)


def scoped(principal_role: str, user_id: str, request: dict[str, Any]) -> dict[str, Any]:
    """A hiring manager's request, limited to their own jobs whatever it asked."""
    if principal_role == Role.HIRING_MANAGER.value:
        filters = dict(request.get("filters") or {})
        filters["hiring_manager_id"] = user_id
        return {**request, "filters": filters}
    return request


class ReportService:
    def __init__(
        self,
        reports: ReportRepository,
        files: ResumeStore,
        enqueue: Callable[[str], None],
        contact: Callable[[str], str | None],
        now: Callable[[], datetime] = clock.now,
        new_id: Callable[[], str] = clock.new_id,
    ) -> None:
        self.reports = reports
        self.files = files
        self.enqueue = enqueue
        self.contact = contact
        self.now = now
        self.new_id = new_id

    @staticmethod
    def allowed(principal: Principal) -> None:
        require(principal, *ROLES)

    def request(self, principal: Principal, request: ReportRequest) -> dict[str, Any]:
        require(principal, *ROLES)
        at = clock.iso(self.now())
        run_id = self.new_id()
        body = scoped(
            principal.role.value,
            principal.user_id,
            request.model_dump(mode="json", by_alias=True, exclude_none=True),
        )
        item = ReportRunItem(
            f"RUN#{run_id}",
            "RUN",
            run_id=run_id,
            request=body,
            owner=principal.user_id,
            role=principal.role.value,
            status="queued",
            created_at=at,
            gsi2pk=f"OWNER#{principal.user_id}",
            gsi2sk=f"{at}#RUN#{run_id}",
        )
        self.reports.add_run(item)
        self.enqueue(run_id)
        return {"run_id": run_id, "status": "queued", "created_at": at}

    def get(self, principal: Principal, run_id: str) -> dict[str, Any]:
        require(principal, *ROLES)
        item = self.reports.run(run_id)
        if item is None or (item.owner != principal.user_id and principal.role is not Role.ADMIN):
            raise NotFound(f"no report {run_id}")
        view: dict[str, Any] = {
            "run_id": item.run_id,
            "status": item.status,
            "request": item.request,
            "created_at": item.created_at,
            "finished_at": item.finished_at,
            "rows": int(item.rows) if item.rows is not None else None,
            "error": item.error,
        }
        if item.status == "done" and item.csv_key and item.pdf_key:
            view["csv_url"] = self.files.download_url(str(item.csv_key), LINK_SECONDS)
            view["pdf_url"] = self.files.download_url(str(item.pdf_key), LINK_SECONDS)
            view["links_expire_in_seconds"] = LINK_SECONDS
        return view

    # --- subscriptions ----------------------------------------------------------------

    def subscribe(self, principal: Principal, request: SubscriptionRequest) -> dict[str, Any]:
        require(principal, *ROLES)
        email = self.contact(principal.user_id)
        if email is None:
            raise ValidationFailed(
                [
                    FieldError(
                        "recipient",
                        "no_contact",
                        f"set your e-mail first (PUT /ats/users/{principal.user_id}/profile)",
                    )
                ]
            )
        now = self.now()
        at = clock.iso(now)
        subscription_id = self.new_id()
        due = clock.iso(next_run(request, now))
        keys = due_keys(due, subscription_id)
        item = SubscriptionItem(
            f"SUB#{subscription_id}",
            "SUB",
            subscription_id=subscription_id,
            body=scoped(
                principal.role.value,
                principal.user_id,
                request.model_dump(mode="json", exclude_none=True),
            ),
            owner=principal.user_id,
            role=principal.role.value,
            email=email,
            next_run_at=due,
            created_at=at,
            gsi1pk=keys["gsi1pk"],
            gsi1sk=keys["gsi1sk"],
            gsi2pk=f"OWNER#{principal.user_id}",
            gsi2sk=f"{at}#SUB#{subscription_id}",
        )
        self.reports.add_subscription(item)
        return self._subscription_view(item)

    def subscriptions(self, principal: Principal) -> dict[str, Any]:
        require(principal, *ROLES)
        return {
            "subscriptions": [
                self._subscription_view(i)
                for i in self.reports.owned(principal.user_id)
                if isinstance(i, SubscriptionItem)
            ]
        }

    def send_now(self, principal: Principal, subscription_id: str) -> dict[str, Any]:
        """Build and e-mail a subscription's report now (its usual dates, as of today)."""
        require(principal, *ROLES)
        item = self.reports.subscription(subscription_id)
        if item is None or (item.owner != principal.user_id and principal.role is not Role.ADMIN):
            raise NotFound(f"no subscription {subscription_id}")
        now = self.now()
        at = clock.iso(now)
        run_id = self.new_id()
        body = SubscriptionRequest.model_validate(item.body)
        self.reports.add_run(
            ReportRunItem(
                f"RUN#{run_id}",
                "RUN",
                run_id=run_id,
                request=run_request(body, now),
                owner=item.owner,
                role=item.role,
                status="queued",
                subscription_id=subscription_id,
                email=item.email,
                created_at=at,
                gsi2pk=f"OWNER#{item.owner}",
                gsi2sk=f"{at}#RUN#{run_id}",
            )
        )
        self.enqueue(run_id)
        return {"run_id": run_id, "status": "queued", "email": item.email}

    def unsubscribe(self, principal: Principal, subscription_id: str) -> dict[str, Any]:
        require(principal, *ROLES)
        item = self.reports.subscription(subscription_id)
        if item is None or (item.owner != principal.user_id and principal.role is not Role.ADMIN):
            raise NotFound(f"no subscription {subscription_id}")
        self.reports.delete_subscription(item)
        return {"subscription_id": subscription_id, "deleted": True}

    @staticmethod
    def _subscription_view(item: SubscriptionItem) -> dict[str, Any]:
        return {
            "subscription_id": item.subscription_id,
            **json.loads(json.dumps(item.body)),
            "email": item.email,
            "next_run_at": item.next_run_at,
            "created_at": item.created_at,
        }
