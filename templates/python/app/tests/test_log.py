import json
import logging

from app.log import Logger, route_stdlib_logging


def capture(level: str) -> tuple[Logger, list[dict[str, object]]]:
    lines: list[dict[str, object]] = []

    def sink(line: str) -> None:
        assert line.endswith('\n') and line.count('\n') == 1
        lines.append(json.loads(line))

    return Logger(level, sink), lines


def test_json_lines_with_time_level_and_message() -> None:
    logger, lines = capture('info')
    logger.info('listening', port=8000)
    logger.debug('hidden')
    logger.warn('careful', level='not overwritten', msg='nor this')
    assert [(line['level'], line['msg']) for line in lines] == [('info', 'listening'), ('warn', 'careful')]
    assert lines[0]['port'] == 8000
    assert str(lines[0]['time']).endswith('Z')


def test_errors_keep_their_message_and_odd_values_never_raise() -> None:
    logger, lines = capture('debug')
    try:
        raise ValueError('boom')
    except ValueError as error:
        logger.error('failed', error=error, raw=b'\xff', tags={'a'}, obj=object())
    fields = lines[0]
    assert fields['error']['name'] == 'ValueError'  # type: ignore[index]
    assert fields['error']['message'] == 'boom'  # type: ignore[index]
    assert 'Traceback' in fields['error']['stack']  # type: ignore[index]
    circular: dict[str, object] = {}
    circular['self'] = circular
    logger.info('circular', data=circular)
    assert lines[1]['logError'] == 'fields not serializable'


def test_stdlib_loggers_write_json_through_the_app_logger() -> None:
    logger, lines = capture('info')
    route_stdlib_logging(logger)
    try:
        logging.getLogger('some.library').warning('disk %s', 'full')
        logging.getLogger('uvicorn.error').info('Started server process')  # quiet unless debug
        assert [(line['level'], line['msg'], line['logger']) for line in lines] == [
            ('warn', 'disk full', 'some.library')
        ]
    finally:
        logging.getLogger().handlers.clear()
