import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseWeChatXml, WeChatXmlError } from '../../../src/notify/channels/wechat-xml.ts';

const FIXTURES = new URL('../../fixtures/platform-payloads/', import.meta.url);

test('parses the official TEMPLATESENDJOBFINISH fixture', () => {
  const xml = readFileSync(new URL('wechat-templatesendjobfinish-failed-system.xml', FIXTURES), 'utf8');
  assert.deepEqual(parseWeChatXml(xml), {
    ToUserName: 'gh_7f083739789a',
    FromUserName: 'oia2TjuEGTNoeX76QEjQNrcURxG8',
    CreateTime: '1395658984',
    MsgType: 'event',
    Event: 'TEMPLATESENDJOBFINISH',
    MsgID: '200163840',
    Status: 'failed: system failed',
  });
});

test('CDATA is taken verbatim, text is entity-decoded, nested children stay raw, empty elements are empty', () => {
  const out = parseWeChatXml(
    '<?xml version="1.0"?>\n<xml><A><![CDATA[ a <b> & ]]></A><B>x &amp; y &#20320;</B><C><Item><K>1</K></Item></C><D/><E></E></xml>',
  );
  assert.deepEqual(out, { A: ' a <b> & ', B: 'x & y 你', C: '<Item><K>1</K></Item>', D: '', E: '' });
});

test('rejects anything that is not a flat WeChat document', () => {
  for (const bad of [
    '',
    '{"json":true}',
    '<xml><A>1</A>',
    '<xml><A>1</B></xml>',
    '<xml><A>1</A><A>2</A></xml>',
    '<!DOCTYPE x [<!ENTITY e "boom">]><xml><A>&e;</A></xml>',
    '<xml><A>&bogus;</A></xml>',
    '<xml><A><![CDATA[never closed</A></xml>',
    '<xml>text<A>1</A></xml>',
    '<root><A>1</A></root>',
  ]) {
    assert.throws(() => parseWeChatXml(bad), WeChatXmlError, JSON.stringify(bad));
  }
});
