"""The embedded broker: Kombu's filesystem transport, with messages that appear whole.

Kombu writes a message straight into the queue folder, so a worker polling the
folder can take the file before its bytes are written and crash on an empty
message; a process killed while writing leaves such a file for good. Here a
message is written under a name no reader looks for and then renamed into
place, which POSIX makes atomic. Kombu's own readers are kept.
"""

import os
import uuid
from time import monotonic
from typing import Any

from kombu.transport import filesystem
from kombu.utils.json import dumps


class Channel(filesystem.Channel):
    def _put(self, queue: str, payload: Any, **kwargs: Any) -> None:  # type: ignore[override]
        name = f"{round(monotonic() * 1000)}_{uuid.uuid4()}.{queue}.msg"
        final = os.path.join(self.data_folder_out, name)
        partial = os.path.join(self.data_folder_out, f".{name}.part")
        try:
            with open(partial, "wb") as f:
                f.write(dumps(payload).encode())  # type: ignore[call-arg]
            os.replace(partial, final)
        except OSError as exc:
            raise filesystem.ChannelError(f"Cannot add a message to {self.data_folder_out}") from exc


class Transport(filesystem.Transport):
    Channel = Channel
