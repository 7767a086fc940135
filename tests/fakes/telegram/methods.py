"""The Bot API methods the fake implements, each checking what Telegram checks.

A method returns the ``result`` object or raises :class:`BotAPIError`. Unknown methods answer
404 ``Not Found`` like Telegram, so a bot calling something unmodelled fails loudly.
Order of checks per send: chat exists → parameters (text, markup, file) → blocked → flood.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from typing import Any

from .errors import (
    BOT_BLOCKED,
    NOT_FOUND,
    NOT_MODIFIED,
    POLL_TERMINATED,
    QUERY_TOO_OLD,
    WEBHOOK_ACTIVE,
    bad_request,
    conflict,
    forbidden,
    too_many_requests,
)
from .params import Params, is_inline
from .ratelimit import RateLimiter
from .records import SentMessage, StoredFile, UploadedFile
from .state import Chat, World
from .text import FormattedText, check_length, format_text
from .updates import Notifier, UpdateQueue
from .webhook import WebhookConfig

Handler = Callable[[Params], Awaitable[Any]]

_COMMAND = re.compile(r"^[a-z0-9_]{1,32}$")
_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
_LANGUAGE = re.compile(r"^([a-z]{2})?$")
MAX_CALLBACK_ANSWER = 200


class BotAPI:
    """Method implementations over the shared :class:`World` and update queue."""

    def __init__(
        self,
        world: World,
        queue: UpdateQueue,
        limiter: RateLimiter,
        webhook: WebhookConfig,
        notifier: Notifier,
        is_closing: Callable[[], bool],
    ) -> None:
        self.world = world
        self.queue = queue
        self.limiter = limiter
        self.webhook = webhook
        self.notifier = notifier
        self._is_closing = is_closing
        self._poll_generation = 0
        handlers: dict[str, Handler] = {
            "getMe": self.get_me,
            "getUpdates": self.get_updates,
            "sendMessage": self.send_message,
            "sendPhoto": self.send_photo,
            "sendDocument": self.send_document,
            "sendChatAction": self.send_chat_action,
            "editMessageText": self.edit_message_text,
            "editMessageCaption": self.edit_message_caption,
            "editMessageReplyMarkup": self.edit_message_reply_markup,
            "deleteMessage": self.delete_message,
            "answerCallbackQuery": self.answer_callback_query,
            "setMyCommands": self.set_my_commands,
            "getMyCommands": self.get_my_commands,
            "deleteMyCommands": self.delete_my_commands,
            "setMyDescription": self.set_my_description,
            "setMyShortDescription": self.set_my_description,
            "getChat": self.get_chat,
            "getFile": self.get_file,
            "setWebhook": self.set_webhook,
            "deleteWebhook": self.delete_webhook,
            "getWebhookInfo": self.get_webhook_info,
            "close": self.harmless,
            "logOut": self.harmless,
        }
        self._handlers = {name.lower(): (name, fn) for name, fn in handlers.items()}

    def canonical(self, method: str) -> str:
        """Telegram method names are case-insensitive; record them as documented."""
        return self._handlers.get(method.lower(), (method, None))[0]

    async def call(self, method: str, params: Params) -> Any:
        entry = self._handlers.get(method.lower())
        if entry is None:
            raise NOT_FOUND
        return await entry[1](params)

    # -- helpers ---------------------------------------------------------------------------

    def _writable_chat(self, p: Params) -> Chat:
        return self.world.chat(p.chat_id())

    def _deliver_check(self, chat: Chat, *, counted: bool = True) -> None:
        """Blocked → 403, then flood control → 429 (a refused call uses no slot)."""
        if chat.blocked:
            raise forbidden(BOT_BLOCKED)
        if counted and (retry_after := self.limiter.check(chat.id)) is not None:
            self.world.counters.rate_limited += 1
            raise too_many_requests(retry_after)

    def _check_reply_target(self, p: Params, chat: Chat) -> None:
        reply = p.json("reply_parameters", "reply parameters JSON object") or {}
        message_id = reply.get("message_id") if isinstance(reply, dict) else None
        if message_id is None:
            message_id = p.optional_int("reply_to_message_id")
            allow = p.flag("allow_sending_without_reply")
        else:
            allow = bool(reply.get("allow_sending_without_reply"))
        if message_id is None or allow:
            return
        known = self.world.bot_message(chat.id, int(message_id)) or self.world.user_messages.get(
            chat.id, {}
        ).get(int(message_id))
        if not known:
            raise bad_request("message to be replied not found")

    def _new_message(self, chat: Chat, method: str, markup: dict[str, Any] | None) -> SentMessage:
        return SentMessage(
            chat=chat.api,
            message_id=chat.new_message_id(),
            date=self.world.now(),
            bot_user=self.world.bot_user,
            method=method,
            reply_markup=markup if is_inline(markup) else None,
            keyboard=None if is_inline(markup) else markup,
        )

    def _caption(self, p: Params) -> FormattedText:
        caption = format_text(
            p.text("caption"), p.text("parse_mode"), p.entities("caption_entities")
        )
        check_length(caption, caption=True)
        return caption

    def _input_file(self, p: Params, kind: str) -> UploadedFile | StoredFile:
        value = p.input_file(kind)
        if value is None or value == "":
            raise bad_request(f"there is no {kind} in the request")
        if isinstance(value, UploadedFile):
            if not value.data:
                raise bad_request("file must be non-empty")
            return value
        if value.startswith(("http://", "https://")):
            raise bad_request("wrong file identifier/HTTP URL specified")
        return self.world.stored_file(value, kind)

    def _editable(self, p: Params) -> SentMessage:
        if p.get("inline_message_id"):
            raise bad_request("MESSAGE_ID_INVALID")
        chat = self._writable_chat(p)
        message_id = p.message_id()
        message = self.world.bot_message(chat.id, message_id)
        if message is None:
            if message_id in self.world.user_messages.get(chat.id, {}):
                raise bad_request("message can't be edited")
            raise bad_request("message to edit not found")
        return message

    def _edit_markup(self, p: Params) -> dict[str, Any] | None:
        markup = p.reply_markup()
        if markup is not None and not is_inline(markup):
            raise bad_request("inline keyboard expected")
        return markup

    def _apply_edit(self, message: SentMessage, **changes: Any) -> dict[str, Any]:
        if all(getattr(message, k) == v for k, v in changes.items()):
            raise bad_request(NOT_MODIFIED)
        chat = self.world.chats[message.chat_id]
        self._deliver_check(chat)
        message.history.append(message.api())
        for key, value in changes.items():
            setattr(message, key, value)
        message.edit_date = self.world.now()
        self.world.counters.edits += 1
        return message.api()

    # -- methods ---------------------------------------------------------------------------

    async def get_me(self, p: Params) -> dict[str, Any]:
        return dict(self.world.bot_user)

    async def harmless(self, p: Params) -> bool:
        return True

    async def get_updates(self, p: Params) -> list[dict[str, Any]]:
        """Long polling: answers as soon as updates exist, or ``[]`` after ``timeout`` s."""
        if self.webhook.url:
            raise conflict(WEBHOOK_ACTIVE)
        offset = p.optional_int("offset") or 0
        limit = p.optional_int("limit") or 100
        timeout = max(0, p.optional_int("timeout") or 0)
        self.queue.set_allowed(p.json("allowed_updates", "allowed updates JSON object"))
        self.queue.confirm(offset)
        self._poll_generation += 1
        generation = self._poll_generation
        self.notifier.notify()  # an older, still-waiting poll is answered 409 below

        def probe() -> list[dict[str, Any]] | str | None:
            if generation != self._poll_generation:
                return "terminated"
            if self.webhook.url:
                return "webhook"
            if self._is_closing():
                return "closing"
            return self.queue.take_batch(limit) or None

        try:
            outcome = await self.notifier.wait_until(probe, timeout)
        except TimeoutError:
            return []
        if outcome == "terminated":
            raise conflict(POLL_TERMINATED)
        if outcome == "webhook":
            raise conflict(WEBHOOK_ACTIVE)
        return [] if isinstance(outcome, str) else outcome

    async def send_message(self, p: Params) -> dict[str, Any]:
        chat = self._writable_chat(p)
        text = format_text(p.text("text"), p.text("parse_mode"), p.entities("entities"))
        check_length(text, caption=False)
        markup = p.reply_markup()
        self._check_reply_target(p, chat)
        self._deliver_check(chat)
        message = self._new_message(chat, "sendMessage", markup)
        message.text, message.entities = text.text, text.entities
        return self.world.add_bot_message(message).api()

    async def send_photo(self, p: Params) -> dict[str, Any]:
        return self._send_file(p, "photo", "sendPhoto")

    async def send_document(self, p: Params) -> dict[str, Any]:
        return self._send_file(p, "document", "sendDocument")

    def _send_file(self, p: Params, kind: str, method: str) -> dict[str, Any]:
        chat = self._writable_chat(p)
        source = self._input_file(p, kind)
        caption = self._caption(p)
        markup = p.reply_markup()
        self._check_reply_target(p, chat)
        self._deliver_check(chat)
        stored = source if isinstance(source, StoredFile) else self.world.store_upload(source, kind)
        message = self._new_message(chat, method, markup)
        message.file, message.caption, message.entities = stored, caption.text, caption.entities
        return self.world.add_bot_message(message).api()

    async def send_chat_action(self, p: Params) -> bool:
        chat = self._writable_chat(p)
        if not p.text("action"):
            raise bad_request("action is empty")
        self._deliver_check(chat, counted=False)
        return True

    async def edit_message_text(self, p: Params) -> dict[str, Any]:
        text = format_text(p.text("text"), p.text("parse_mode"), p.entities("entities"))
        check_length(text, caption=False)
        markup = self._edit_markup(p)
        message = self._editable(p)
        if message.text is None:
            raise bad_request("there is no text in the message to edit")
        return self._apply_edit(
            message, text=text.text, entities=text.entities, reply_markup=markup
        )

    async def edit_message_caption(self, p: Params) -> dict[str, Any]:
        caption = self._caption(p)
        markup = self._edit_markup(p)
        message = self._editable(p)
        if message.file is None:
            raise bad_request("there is no caption in the message to edit")
        return self._apply_edit(
            message, caption=caption.text, entities=caption.entities, reply_markup=markup
        )

    async def edit_message_reply_markup(self, p: Params) -> dict[str, Any]:
        markup = self._edit_markup(p)
        return self._apply_edit(self._editable(p), reply_markup=markup)

    async def delete_message(self, p: Params) -> bool:
        chat = self._writable_chat(p)
        message_id = p.message_id()
        message = self.world.bot_message(chat.id, message_id)
        if message is not None:
            message.deleted = True
            return True
        if self.world.user_messages.get(chat.id, {}).pop(message_id, None) is not None:
            return True
        raise bad_request("message to delete not found")

    async def answer_callback_query(self, p: Params) -> bool:
        query = self.world.callback_queries.get(p.text("callback_query_id") or "")
        if query is None or query.answered:
            raise bad_request(QUERY_TOO_OLD)
        text = p.text("text")
        if text is not None and len(text) > MAX_CALLBACK_ANSWER:
            raise bad_request("MESSAGE_TOO_LONG")
        query.answered, query.text = True, text
        query.show_alert, query.url = p.flag("show_alert"), p.text("url")
        return True

    def _commands_key(self, p: Params) -> tuple[str, str]:
        scope = p.json("scope", "bot command scope JSON object") or {"type": "default"}
        language = p.text("language_code") or ""
        if not _LANGUAGE.match(language):
            raise bad_request("LANG_CODE_INVALID")
        return json.dumps(scope, sort_keys=True), language

    async def set_my_commands(self, p: Params) -> bool:
        commands = p.json("commands", "commands JSON object")
        if not isinstance(commands, list):
            raise bad_request("can't parse commands JSON object")
        if len(commands) > 100:
            raise bad_request("BOT_COMMANDS_TOO_MUCH")
        for command in commands:
            if not isinstance(command, dict) or not _COMMAND.match(str(command.get("command"))):
                raise bad_request("BOT_COMMAND_INVALID")
            description = str(command.get("description") or "")
            if not description:
                raise bad_request("command description must be non-empty")
            if len(description) > 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        key = self._commands_key(p)
        if commands:
            self.world.commands[key] = [
                {"command": c["command"], "description": c["description"]} for c in commands
            ]
        else:
            self.world.commands.pop(key, None)
        return True

    async def get_my_commands(self, p: Params) -> list[dict[str, Any]]:
        return list(self.world.commands.get(self._commands_key(p), []))

    async def delete_my_commands(self, p: Params) -> bool:
        self.world.commands.pop(self._commands_key(p), None)
        return True

    async def set_my_description(self, p: Params) -> bool:
        field = "short_description" if "short_description" in p else "description"
        self.world.descriptions[(field, p.text("language_code") or "")] = p.text(field) or ""
        return True

    async def get_chat(self, p: Params) -> dict[str, Any]:
        chat = self._writable_chat(p)
        return {**chat.api, "accent_color_id": 0, "max_reaction_count": 11}

    async def get_file(self, p: Params) -> dict[str, Any]:
        stored = self.world.files.get(p.text("file_id") or "")
        if stored is None:
            raise bad_request("wrong file identifier/HTTP URL specified")
        return {
            "file_id": p.text("file_id"),
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.data),
            "file_path": stored.file_path,
        }

    async def set_webhook(self, p: Params) -> bool:
        url = p.text("url") or ""
        if not url:
            return await self.delete_webhook(p)
        if not url.startswith(("https://", "http://")):  # the fake also allows plain http
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        secret = p.text("secret_token")
        if secret is not None and not _SECRET.match(secret):
            raise bad_request("secret token contains unallowed characters")
        max_connections = p.optional_int("max_connections") or 40
        if not 1 <= max_connections <= 100:
            raise bad_request("bad webhook: max_connections must be between 1 and 100")
        self.queue.set_allowed(p.json("allowed_updates", "allowed updates JSON object"))
        if p.flag("drop_pending_updates"):
            self.queue.clear()
        self.webhook.url, self.webhook.secret_token = url, secret
        self.webhook.max_connections = max_connections
        self.webhook.last_error_date = self.webhook.last_error_message = None
        self.notifier.notify()
        return True

    async def delete_webhook(self, p: Params) -> bool:
        if p.flag("drop_pending_updates"):
            self.queue.clear()
        self.webhook.url, self.webhook.secret_token = "", None
        self.notifier.notify()
        return True

    async def get_webhook_info(self, p: Params) -> dict[str, Any]:
        info: dict[str, Any] = {
            "url": self.webhook.url,
            "has_custom_certificate": False,
            "pending_update_count": len(self.queue),
        }
        if self.webhook.url:
            info["max_connections"] = self.webhook.max_connections
            info["ip_address"] = "127.0.0.1"
            if self.queue.allowed_updates:
                info["allowed_updates"] = self.queue.allowed_updates
        if self.webhook.last_error_message:
            info["last_error_date"] = self.webhook.last_error_date
            info["last_error_message"] = self.webhook.last_error_message
        return info
