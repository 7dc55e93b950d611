"""Desk accounts: `flask --app app desk add-user` and `desk change-user`."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy.exc import IntegrityError

from ..current import current_bot
from ..desk.auth import add_user, change_account

desk = AppGroup("desk", help="Consultation desk accounts.")


@desk.command("add-user")
@click.argument("username")
@click.option("--role", type=click.Choice(["staff", "admin"]), default="staff")
@click.password_option(help="asked for when not given")
def desk_add_user(username: str, role: str, password: str) -> None:
    """Create a desk account (the password is stored hashed)."""

    try:
        add_user(current_bot(current_app).store, username, password, role)
    except (ValueError, IntegrityError) as exc:
        raise click.ClickException(str(exc).splitlines()[0]) from exc
    click.echo(f"desk user {username!r} ({role}) created")

@desk.command("change-user")
@click.argument("username")
@click.option("--role", type=click.Choice(["staff", "admin"]), default=None, help="a new role")
@click.option("--deactivate", "active", flag_value=False, default=None, help="no more logins; sessions end")
@click.option("--activate", "active", flag_value=True, help="allow logins again")
@click.option("--new-password", is_flag=True, help="asks for a new password; every session of the account ends")
def desk_change_user(username: str, role: str | None, active: bool | None, new_password: bool) -> None:
    """Change a desk account: role, (de)activation, password. Takes effect on the account's next request."""
    password = click.prompt("New password", hide_input=True, confirmation_prompt=True) if new_password else None
    try:
        change_account(current_bot(current_app).store, username, role=role, active=active, password=password)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"desk user {username!r} changed")
