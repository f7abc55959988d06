import asyncio

from app.readiness import Check, Readiness


def test_all_ok_and_failures_are_named() -> None:
    async def ok() -> None:
        return None

    async def down() -> None:
        raise ConnectionRefusedError('db:5432: connect failed')

    async def main() -> None:
        report = await Readiness([Check('redis', ok), Check('postgres', down)])()
        assert not report.ready
        assert report.checks == {'redis': 'ok', 'postgres': 'fail'}
        assert [(name, str(error)) for name, error in report.failures] == [('postgres', 'db:5432: connect failed')]
        assert (await Readiness([])()).ready

    asyncio.run(main())


def test_concurrent_callers_share_one_run() -> None:
    calls = 0

    async def slow() -> None:
        nonlocal calls
        calls += 1
        await asyncio.sleep(0.05)

    async def main() -> None:
        readiness = Readiness([Check('slow', slow)])
        reports = await asyncio.gather(*(readiness() for _ in range(10)))
        assert calls == 1
        assert all(report.ready for report in reports)
        await readiness()
        assert calls == 2, 'a later call runs the checks again'

    asyncio.run(main())


def test_a_caller_that_goes_away_does_not_cancel_the_shared_run() -> None:
    finished = False

    async def slow() -> None:
        nonlocal finished
        await asyncio.sleep(0.05)
        finished = True

    async def main() -> None:
        readiness = Readiness([Check('slow', slow)])
        first = asyncio.ensure_future(readiness())
        second = asyncio.ensure_future(readiness())
        await asyncio.sleep(0.01)
        first.cancel()
        assert (await second).ready
        assert finished

    asyncio.run(main())
