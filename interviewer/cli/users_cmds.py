"""`interviewer users add|remove|list`: the accounts of the web app (see `interviewer.accounts`)."""

from __future__ import annotations

import argparse
import getpass
import sys

from interviewer.accounts import AccountError, Users, check_name
from interviewer.settings import Settings


def register(sub: argparse._SubParsersAction) -> None:
    u = sub.add_parser("users", help="accounts for the web app: each user signs in and sees only their sessions")
    u_sub = u.add_subparsers(dest="users_command", required=True, metavar="ACTION")
    a = u_sub.add_parser("add", help="add a user, or set a new password for one (asks for it twice)")
    a.add_argument("name", help="letters, digits and . _ @ + -")
    a.add_argument("--password-stdin", action="store_true", help="read the password from the first line of stdin")
    a.set_defaults(func=cmd_users_add)
    r = u_sub.add_parser("remove", help="remove a user (their sessions stay; `interviewer sessions list --user`)")
    r.add_argument("name")
    r.set_defaults(func=cmd_users_remove)
    u_sub.add_parser("list", help="list the users").set_defaults(func=cmd_users_list)


def _password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass(f"Password for {args.name}: ")
    if getpass.getpass("Again: ") != first:
        raise AccountError("the two passwords differ; nothing was changed")
    return first


def cmd_users_add(args: argparse.Namespace, settings: Settings) -> int:
    users = Users(settings.users_file)
    try:
        check_name(args.name)
        was_on = len(users) > 0
        new = users.add(args.name, _password(args))
    except AccountError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    print(f"{'added' if new else 'new password for'} {args.name} in {settings.users_file}")
    if not was_on:
        print("Accounts are now on: restart the app, and everyone signs in and sees only their own sessions.")
    return 0


def cmd_users_remove(args: argparse.Namespace, settings: Settings) -> int:
    users = Users(settings.users_file)
    try:
        users.remove(args.name)
    except AccountError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    print(f"removed {args.name}; their sessions are kept (`interviewer sessions list --user {args.name}`)")
    if len(users) == 0:
        print("No users are left: after a restart the app runs without accounts again.")
    return 0


def cmd_users_list(args: argparse.Namespace, settings: Settings) -> int:
    names = Users(settings.users_file).names()
    if not names:
        print(f"no users in {settings.users_file}: the app runs without accounts (`interviewer users add NAME`)")
    for name in names:
        print(name)
    return 0
