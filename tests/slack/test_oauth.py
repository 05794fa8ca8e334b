"""Many workspaces: the OAuth install flow in HTTP mode, stores on the bot's database, and uninstalls."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa
from slack_sdk.oauth.installation_store.models.bot import Bot

from adapters.slack.oauth import installation_store
from adapters.slack.settings import BOT_SCOPES
from adapters.slack.tokens import InstalledTokens, remove_installation
from bot.store.database import create_engine
from tests.slack import payloads
from tests.slack.conftest import ADMIN, CHANNEL, PRIYA, BotFactory, SlackBot
from tests.slack.helpers import PRIYA_ANSWER, only_question, replies_to_commands

# slack-sdk sends the client credentials of oauth.v2.access with aiohttp's BasicAuth, which aiohttp deprecates.
pytestmark = pytest.mark.filterwarnings("ignore:BasicAuth is deprecated:DeprecationWarning")

CLIENT_ID = "1234567890.0987654321"
CLIENT_SECRET = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
SECOND_TEAM = "T0SECOND"
SECOND_TOKEN = "xoxb-4444-5555-secondworkspace"


async def _install(bot: SlackBot, base: str) -> None:
    """A workspace admin clicks "Add to Slack", approves, and Slack redirects back with a code."""
    async with bot.session.get(f"{base}/slack/install", allow_redirects=False) as page:
        assert page.status == 200
        html = await page.text()
        state = page.cookies["slack-app-oauth-state"].value
    authorize = html.split('<a href="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    query = parse_qs(urlsplit(authorize).query)
    assert query["client_id"] == [CLIENT_ID]
    assert set(query["scope"][0].split(",")) == set(BOT_SCOPES)
    assert query["state"] == [state]

    bot.fake.oauth_codes["code-from-slack"] = {
        "app_id": "A0PRACTICE",
        "authed_user": {"id": ADMIN},
        "scope": ",".join(BOT_SCOPES),
        "token_type": "bot",
        "access_token": SECOND_TOKEN,
        "bot_user_id": "U0BOT2",
        "team": {"id": SECOND_TEAM, "name": "Second Study Group"},
        "enterprise": None,
        "is_enterprise_install": False,
    }
    callback = f"{base}/slack/oauth_redirect?code=code-from-slack&state={state}"
    async with bot.session.get(callback, headers={"Cookie": f"slack-app-oauth-state={state}"}) as done:
        assert done.status == 200


async def _bot_tokens(bot: SlackBot) -> list[tuple[str, str]]:
    async with bot.app.store.engine.connect() as connection:
        rows = await connection.execute(sa.text("SELECT team_id, bot_token FROM slack_bots ORDER BY id"))
        return [(str(team), str(token)) for team, token in rows]


async def test_install_serve_and_uninstall_a_workspace(make_slack_bot: BotFactory, database_url: str) -> None:
    bot = await make_slack_bot(
        database_url, env={"SLACK_BOT_TOKEN": "", "SLACK_CLIENT_ID": CLIENT_ID, "SLACK_CLIENT_SECRET": CLIENT_SECRET}
    )
    fake = bot.fake
    base = bot.url.removesuffix("/slack/events")
    assert fake.calls_to("auth.test") == []  # no token of its own: it learns workspaces as they install

    await _install(bot, base)
    [exchange] = fake.calls_to("oauth.v2.access")
    assert exchange.args["code"] == "code-from-slack"
    assert await _bot_tokens(bot) == [(SECOND_TEAM, SECOND_TOKEN)]

    # The installed workspace is served with its own token.
    await bot.command("/practice", "post", user=ADMIN, team=SECOND_TEAM)
    question = only_question(fake, CHANNEL)
    await bot.event(
        payloads.message(channel=CHANNEL, user=PRIYA, text=PRIYA_ANSWER, ts="1700003000.000100", thread_ts=question.ts),
        team=SECOND_TEAM,
    )
    assert len(fake.thread(CHANNEL, question.ts)) == 1
    assert {call.token for call in fake.calls_to("chat.postMessage")} == {SECOND_TOKEN}
    assert {call.token for call in fake.calls_to("users.info")} == {SECOND_TOKEN}

    # A workspace that never installed the app gets no posts (there is no token to post with).
    posts_before = len(fake.calls_to("chat.postMessage"))
    await bot.command("/practice", "post", user=ADMIN, team="T0NEVER")
    assert len(fake.calls_to("chat.postMessage")) == posts_before
    assert "Only admins" in replies_to_commands(fake)[-1]  # its role could not be checked either

    # Uninstalling removes the stored install and the workspace's data.
    await bot.event(payloads.app_uninstalled(), team=SECOND_TEAM)
    assert await _bot_tokens(bot) == []
    await bot.command("/practice", "post", user=ADMIN, team=SECOND_TEAM)
    assert len(fake.calls_to("chat.postMessage")) == posts_before  # no token any more


async def test_a_forged_oauth_callback_installs_nothing(make_slack_bot: BotFactory, sqlite_url: str) -> None:
    bot = await make_slack_bot(
        sqlite_url, env={"SLACK_BOT_TOKEN": "", "SLACK_CLIENT_ID": CLIENT_ID, "SLACK_CLIENT_SECRET": CLIENT_SECRET}
    )
    base = bot.url.removesuffix("/slack/events")
    bot.fake.oauth_codes["stolen"] = {"access_token": SECOND_TOKEN, "team": {"id": SECOND_TEAM}, "bot_user_id": "U0X"}
    async with bot.session.get(f"{base}/slack/oauth_redirect?code=stolen&state=made-up") as response:
        assert response.status >= 400
    assert bot.fake.calls_to("oauth.v2.access") == []
    assert await _bot_tokens(bot) == []


async def test_installed_tokens_are_cached_and_a_new_install_is_seen_at_once(sqlite_url: str) -> None:
    engine = create_engine(sqlite_url)
    try:
        store = installation_store(CLIENT_ID, engine)
        now = [0.0]
        tokens = InstalledTokens(store, ttl_seconds=60, clock=lambda: now[0])
        assert await tokens.bot_token(SECOND_TEAM) is None  # not installed yet, and not remembered as such
        bot = Bot(
            app_id="A0",
            enterprise_id=None,
            team_id=SECOND_TEAM,
            bot_token=SECOND_TOKEN,
            bot_id="B0",
            bot_user_id="U0",
            installed_at=1.0,
        )
        await store.async_save_bot(bot)
        assert await tokens.bot_token(SECOND_TEAM) == SECOND_TOKEN

        await remove_installation(store, SECOND_TEAM)
        assert await tokens.bot_token(SECOND_TEAM) == SECOND_TOKEN  # cached for a while: no query per post
        now[0] += 61
        assert await tokens.bot_token(SECOND_TEAM) is None
    finally:
        await engine.dispose()
