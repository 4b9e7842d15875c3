#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""An orchestrator's client of zcrxd's D-Bus API (zcrx-dbus(5)), to copy.

It uses dbus-next (Debian: python3-dbus-next), a pure-Python asyncio
D-Bus library; each function below is one thing an orchestrator does:

  probe_api()        what this zcrxd understands (ApiVersion, BindOptions)
  bind_for_guest()   bind a NIC queue to a guest's macvtap, owned by the guest
  wait_removed()     wait until one of the guest's bindings ends, and why
  release()          the owner's idempotent unbind of one binding
  end_guest()        unbind all of a guest's bindings (UnbindOwner)

Subscribe to BindingRemoved before acting, as wait_removed() does, so
that no ending is missed in between.  Bind() and Release() may be retried:
an identical Bind returns the same binding, a Release of a binding that
already ended says why it ended.

Command line, for trying it out (as root, or authorized by polkit for
the actions org.zcrx.zcrx1.bind and .unbind, to change anything):

  zcrx-orchestrator.py probe
  zcrx-orchestrator.py bind NIC QUEUE MACVTAP OWNER [--unbind-on-vhost-gone]
  zcrx-orchestrator.py wait OWNER [--timeout SECONDS]
  zcrx-orchestrator.py release BINDING OWNER
  zcrx-orchestrator.py end OWNER

--address ADDR talks to the bus at a D-Bus address instead of the
system bus (which DBUS_SYSTEM_BUS_ADDRESS may also name).  Exit status:
0 done, 1 usage or timeout, 2 zcrxd (or the bus, or the kernel) refused,
with its error name and message on stderr.
"""
import argparse
import asyncio
import sys

from dbus_next import BusType, Variant
from dbus_next.aio import MessageBus
from dbus_next.errors import DBusError

BUS_NAME = "org.zcrx.zcrx1"
MANAGER_PATH = "/org/zcrx/zcrx1"
MANAGER = "org.zcrx.zcrx1.Manager"


async def connect(address=None):
    """The system bus, or the bus at @address."""
    if address:
        return await MessageBus(bus_address=address).connect()
    return await MessageBus(bus_type=BusType.SYSTEM).connect()


async def manager(bus):
    """zcrxd's Manager interface, as zcrxd introspects it."""
    introspection = await bus.introspect(BUS_NAME, MANAGER_PATH)
    proxy = bus.get_proxy_object(BUS_NAME, MANAGER_PATH, introspection)
    return proxy.get_interface(MANAGER)


async def probe_api(mgr):
    """(api_version, bind_options); a zcrxd without ApiVersion serves 1."""
    if not hasattr(mgr, "get_api_version"):
        return 1, ["fallback", "low-watermark", "unbind-on-vhost-gone", "persist"]
    return await mgr.get_api_version(), await mgr.get_bind_options()


async def bind_for_guest(mgr, nic, queue, macvtap, owner, unbind_on_vhost_gone=False):
    """Bind @nic's receive queue @queue to @macvtap for guest @owner.

    Returns the binding's object path.  Safe to retry: the same request
    returns the same binding.  A queue or macvtap held by another binding
    raises DBusError org.zcrx.zcrx1.Error.AlreadyBound naming the holder.
    """
    _, keys = await probe_api(mgr)
    if "owner" not in keys:
        raise RuntimeError("this zcrxd has no binding owners (API version 1): upgrade it")
    options = {"owner": Variant("s", owner)}
    if unbind_on_vhost_gone:
        # The kernel ends the binding when the guest's vhost-net goes.
        options["unbind-on-vhost-gone"] = Variant("b", True)
    return await mgr.call_bind(nic, queue, macvtap, options)


async def watch_removed(mgr, owner):
    """Start following @owner's BindingRemoved signals: an asyncio.Queue
    of (path, reason), and the function that stops following.  Returns
    once the bus delivers them: what ends after this call is seen."""
    queue = asyncio.Queue()

    def on_removed(path, reason, removed_owner):
        if removed_owner == owner:
            queue.put_nowait((path, reason))

    mgr.on_binding_removed(on_removed)
    # The match rule went to the bus first: once a later call is answered,
    # the bus has it.
    await mgr.get_version()
    return queue, lambda: mgr.off_binding_removed(on_removed)


async def wait_removed(queue, timeout=None):
    """The next (path, reason) of a watch_removed() queue; reason is the
    kernel's: "request", "nic-gone", "macvtap-gone", "vhost-gone"; when
    its event was lost, the devices tell nic-gone or macvtap-gone, else
    "unknown" (ended on purpose)."""
    return await asyncio.wait_for(queue.get(), timeout)


async def release(mgr, path, owner):
    """Unbind @owner's binding @path, idempotently: "unbound", or the
    reason it had already ended."""
    return await mgr.call_release(path, owner)


async def end_guest(mgr, owner):
    """Unbind every binding of guest @owner (when it stops, say); the
    paths of those unbound, none being no error."""
    return await mgr.call_unbind_owner(owner)


async def run(args):
    try:
        bus = await connect(args.address)
    except (OSError, DBusError) as e:
        print(f"zcrx: cannot connect to {args.address or 'the system bus'}: {e}",
              file=sys.stderr)
        return 2
    try:
        mgr = await manager(bus)
        if args.command == "probe":
            version, keys = await probe_api(mgr)
            print(f"api-version {version}")
            print(f"bind-options {','.join(keys)}")
        elif args.command == "bind":
            print(await bind_for_guest(mgr, args.nic, args.queue, args.macvtap, args.owner,
                                       args.unbind_on_vhost_gone))
        elif args.command == "wait":
            queue, stop = await watch_removed(mgr, args.owner)
            print(f"waiting for a binding of {args.owner} to end", file=sys.stderr, flush=True)
            try:
                path, reason = await wait_removed(queue, args.timeout)
            except asyncio.TimeoutError:
                print(f"zcrx: no binding of {args.owner} ended within {args.timeout} s",
                      file=sys.stderr)
                return 1
            finally:
                stop()
            print(f"{path} {reason}")
        elif args.command == "release":
            print(await release(mgr, args.binding, args.owner))
        elif args.command == "end":
            for path in await end_guest(mgr, args.owner):
                print(path)
        return 0
    except DBusError as e:
        print(f"zcrx: {e.type}: {e.text}", file=sys.stderr)
        return 2
    finally:
        bus.disconnect()


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--address", help="D-Bus address of the bus (default: system bus)")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("probe", help="print ApiVersion and BindOptions")
    p = sub.add_parser("bind", help="bind a queue for a guest")
    p.add_argument("nic")
    p.add_argument("queue", type=int)
    p.add_argument("macvtap")
    p.add_argument("owner")
    p.add_argument("--unbind-on-vhost-gone", action="store_true")
    p = sub.add_parser("wait", help="wait for one of a guest's bindings to end")
    p.add_argument("owner")
    p.add_argument("--timeout", type=float, default=None)
    p = sub.add_parser("release", help="unbind one binding of a guest, idempotently")
    p.add_argument("binding")
    p.add_argument("owner")
    p = sub.add_parser("end", help="unbind all bindings of a guest")
    p.add_argument("owner")
    args = parser.parse_args(argv[1:])
    try:
        return asyncio.run(run(args))
    except RuntimeError as e:  # a zcrxd too old
        print(f"zcrx: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
