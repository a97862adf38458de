"""The floor the room benchmark is measured against: a bare ``websockets`` server.

It speaks just enough of the room's protocol for the load generator in ``bench/room.py``:
a socket connects to ``/ws/room/<meeting>/``, gets a small snapshot, and every JSON message
a socket sends is answered by one versioned event fanned out to every socket of that
meeting (the sender included), exactly like a facilitator's command in the real room.
No Django, no database, no channel layer: only the event loop, the WebSocket framing and
the kernel. Usage: ``python bench/ws_baseline.py --port 8765`` (``bench/room.py`` starts
it itself, pinned to the server's core).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import signal
import time
from collections import defaultdict

from websockets.asyncio.server import ServerConnection, broadcast, serve

PATH = re.compile(r"^/ws/room/(\d+)/$")

rooms: dict[int, set[ServerConnection]] = defaultdict(set)
versions: dict[int, int] = defaultdict(lambda: 1)


async def handler(connection: ServerConnection) -> None:
    match = PATH.match(connection.request.path if connection.request else "")
    if match is None:
        await connection.close(4404, "no such room")
        return
    meeting = int(match.group(1))
    members = rooms[meeting]
    members.add(connection)
    try:
        snapshot = {"version": versions[meeting], "meeting": meeting, "state": "running"}
        await connection.send(
            json.dumps(
                {"type": "snapshot", "snapshot": snapshot, "server_now": int(time.time() * 1000)}
            )
        )
        async for raw in connection:
            try:
                message = json.loads(raw)
                name = str(message["type"])
            except (ValueError, KeyError, TypeError):
                await connection.send(json.dumps({"type": "error", "code": "invalid"}))
                continue
            if name == "ping":
                await connection.send(
                    json.dumps(
                        {
                            "type": "pong",
                            "t": message.get("t"),
                            "server_now": int(time.time() * 1000),
                        }
                    )
                )
                continue
            versions[meeting] += 1
            event = {
                "type": "event",
                "name": name,
                "version": versions[meeting],
                "changes": {"state": "running", "deadline": int(time.time() * 1000) + 600_000},
            }
            broadcast(members, json.dumps(event))
    finally:
        members.discard(connection)
        if not members:
            rooms.pop(meeting, None)


async def main(host: str, port: int) -> None:
    stop = asyncio.get_running_loop().create_future()
    for signum in (signal.SIGTERM, signal.SIGINT):
        asyncio.get_running_loop().add_signal_handler(signum, stop.set_result, None)
    # The same framing defaults as uvicorn's websockets implementation: permessage-deflate
    # when the client offers it (browsers always do), a keep-alive ping every 20 s.
    async with serve(handler, host, port, ping_interval=20, ping_timeout=20, max_queue=64):
        print(f"ws_baseline listening on {host}:{port}", flush=True)
        await stop


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    try:
        import uvloop
    except ImportError:  # uvicorn[standard] brings it; the baseline runs without it too
        asyncio.run(main(args.host, args.port))
    else:
        # uvicorn runs on uvloop too: the same event loop on both sides of the comparison.
        uvloop.run(main(args.host, args.port))
