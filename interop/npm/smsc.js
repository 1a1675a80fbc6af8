#!/usr/bin/env node
// smsc.js - an SMSC built on the npm package "smpp" (github.com/farhadi/node-smpp),
// for smspark's interoperability test (interop/npm_test.go).
//
// It listens on 127.0.0.1, accepts a transceiver bind with the given
// credentials and plays a scenario read from a JSON file: phases, one per
// bind. In each phase it delivers the phase's MOs one at a time as
// deliver_sm (sequence numbers restart at 1 on every bind, as they do on a
// real SMSC after a re-bind), waits for the deliver_sm_resp and for the
// reply (a submit_sm to the MO's sender) before the next one, then sends
// the phase's delivery receipts (esm_class 0x04, receipted_message_id of
// replies it accepted) and drops the connection, so that the engine
// re-binds for the next phase. A reply can be refused once first: with
// ESME_RTHROTTLED ("throttle") or with a generic_nack ESME_RSYSERR
// ("generic_nack"). After the last phase it reports "done" and stays up,
// recording every PDU, until the engine unbinds; then it exits 0.
//
// Usage: node smsc.js --scenario FILE --system-id ID --password PW
//                     [--timeout SECONDS] [--step-timeout SECONDS]
//
// Output: one JSON object per line on stdout:
//   listening {port}              bound {kind, bind}
//   deliver_sm_resp {mo, bind, sequence, status}   (mo -1 for a receipt)
//   submit_sm {bind, sequence, source, source_ton, source_npi, dest, dest_ton,
//              dest_npi, data_coding, esm_class, registered_delivery, udh,
//              text, answered, mo}    answered: the status sent back
//              ("generic_nack" for one); mo: the MO it answers, or -1
//   no_reply {mo}                 unbind {bind}     done {replies}
//   socket_error {bind, message}  error {message}   timeout {message}
'use strict';

const fs = require('fs');
const smpp = require('smpp');

function arg(name, def) {
	const i = process.argv.indexOf('--' + name);
	return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : def;
}

function report(event, fields) {
	process.stdout.write(JSON.stringify(Object.assign({event: event}, fields)) + '\n');
}

const scenario = JSON.parse(fs.readFileSync(arg('scenario'), 'utf8'));
const systemID = arg('system-id', 'smspark');
const password = arg('password', '');
const stepTimeout = 1000 * Number(arg('step-timeout', '10'));
setTimeout(() => {
	report('timeout', {message: 'scenario not over in time'});
	process.exit(2);
}, 1000 * Number(arg('timeout', '120'))).unref();

let binds = 0;
let current = null;        // the bound session
let bindWaiter = null;     // resolves on the next bind
let replyWaiter = null;    // {dest, mo, resolve}: the reply awaited
let replies = 0;
const faults = {};         // MO index -> fault for its reply's first attempt
let messageIDs = 0;

function waitBind() {
	if (current) {
		return Promise.resolve(current);
	}
	return new Promise((resolve) => { bindWaiter = resolve; });
}

function within(promise, what) {
	let timer;
	const timeout = new Promise((resolve) => {
		timer = setTimeout(() => resolve({timedOut: what}), stepTimeout);
	});
	return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function onSession(session) {
	const bind = ++binds;
	session.on('error', (e) => report('socket_error', {bind: bind, message: e.message}));
	session.on('bind_transceiver', (pdu) => {
		if (pdu.system_id !== systemID || pdu.password !== password) {
			session.send(pdu.response({command_status: smpp.ESME_RBINDFAIL}));
			return;
		}
		session.send(pdu.response({system_id: 'npm-smsc'}));
		report('bound', {kind: 'transceiver', bind: bind});
		current = session;
		if (bindWaiter) {
			const w = bindWaiter;
			bindWaiter = null;
			w(session);
		}
	});
	session.on('enquire_link', (pdu) => session.send(pdu.response()));
	session.on('unbind', (pdu) => {
		report('unbind', {bind: bind});
		session.send(pdu.response(), () => session.close());
		if (current === session) {
			current = null;
		}
		if (done) {
			setTimeout(() => process.exit(0), 200);
		}
	});
	session.on('close', () => {
		if (current === session) {
			current = null;
		}
	});
	session.on('submit_sm', (pdu) => onSubmit(session, bind, pdu));
}

function onSubmit(session, bind, pdu) {
	const sm = pdu.short_message || {};
	const fields = {
		bind: bind, sequence: pdu.sequence_number,
		source: pdu.source_addr, source_ton: pdu.source_addr_ton, source_npi: pdu.source_addr_npi,
		dest: pdu.destination_addr, dest_ton: pdu.dest_addr_ton, dest_npi: pdu.dest_addr_npi,
		data_coding: pdu.data_coding, esm_class: pdu.esm_class, registered_delivery: pdu.registered_delivery,
		udh: !!(sm.udh && sm.udh.length), text: typeof sm.message === 'string' ? sm.message : String(sm),
		mo: -1,
	};
	const w = replyWaiter && replyWaiter.dest === pdu.destination_addr ? replyWaiter : null;
	const fault = w ? faults[w.mo] : undefined;
	if (fault) {
		delete faults[w.mo];
		fields.mo = w.mo;
		if (fault === 'throttle') {
			fields.answered = smpp.ESME_RTHROTTLED;
			session.send(pdu.response({command_status: smpp.ESME_RTHROTTLED}));
		} else {
			fields.answered = 'generic_nack';
			session.send(new smpp.PDU('generic_nack', {sequence_number: pdu.sequence_number, command_status: smpp.ESME_RSYSERR}));
		}
		report('submit_sm', fields);
		return;
	}
	const id = 'npm' + (++messageIDs);
	fields.answered = 0;
	fields.message_id = id;
	session.send(pdu.response({message_id: id}));
	replies++;
	if (w) {
		fields.mo = w.mo;
		replyWaiter = null;
		w.resolve(id);
	}
	report('submit_sm', fields);
}

function deliver(session, bind, options, mo) {
	return new Promise((resolve) => {
		session.deliver_sm(options, (resp) => {
			report('deliver_sm_resp', {mo: mo, bind: bind, sequence: options.sequence_number, status: resp.command_status});
			resolve(resp.command_status);
		});
	});
}

let done = false;

async function play() {
	let index = 0;
	for (const phase of scenario.phases) {
		const session = await within(waitBind(), 'a bind');
		if (session.timedOut) {
			report('timeout', {message: 'no bind for phase ' + (scenario.phases.indexOf(phase) + 1)});
			process.exit(2);
		}
		const bind = binds;
		const accepted = [];
		let sequence = 0;
		for (const m of phase.mos) {
			const mo = index++;
			if (m.fault) {
				faults[mo] = m.fault;
			}
			const options = {
				sequence_number: ++sequence,
				source_addr_ton: 1, source_addr_npi: 1, source_addr: m.from,
				dest_addr_ton: 0, dest_addr_npi: 0, destination_addr: scenario.short_code,
				esm_class: m.esm_class || 0, data_coding: m.data_coding,
				short_message: Buffer.from(m.payload_hex, 'hex'),
			};
			if (m.receipted_message_id) {
				options.receipted_message_id = m.receipted_message_id;
			}
			const reply = new Promise((resolve) => { replyWaiter = {dest: m.from, mo: mo, resolve: resolve}; });
			await within(deliver(session, bind, options, mo), 'deliver_sm_resp');
			const id = await within(reply, 'reply');
			if (id && id.timedOut) {
				replyWaiter = null;
				report('no_reply', {mo: mo});
			} else {
				accepted.push({id: id, to: m.from});
			}
		}
		for (const r of (phase.receipts ? accepted : [])) {
			const text = 'id:' + r.id + ' sub:001 dlvrd:001 submit date:2611231000 done date:2611231000 stat:DELIVRD err:000 text:';
			await within(deliver(session, bind, {
				sequence_number: ++sequence,
				source_addr_ton: 1, source_addr_npi: 1, source_addr: r.to,
				dest_addr_ton: 0, dest_addr_npi: 0, destination_addr: scenario.short_code,
				esm_class: 0x04, data_coding: 0, short_message: Buffer.from(text, 'latin1'),
				receipted_message_id: r.id, message_state: 2,
			}, -1), 'deliver_sm_resp to a receipt');
		}
		if (phase !== scenario.phases[scenario.phases.length - 1]) {
			// The link drops; the engine binds again for the next phase.
			current = null;
			session.destroy();
		}
	}
	done = true;
	report('done', {replies: replies});
}

const server = smpp.createServer(onSession);
server.listen(0, '127.0.0.1', () => {
	report('listening', {port: server.address().port});
	play().catch((e) => {
		report('error', {message: e.stack || String(e)});
		process.exit(1);
	});
});
