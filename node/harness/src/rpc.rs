//! One JSON-RPC call over HTTP/1.1, with a blocking client of its own, and the `0x` hex that the
//! methods take and answer.

use codec::Decode;
use serde_json::{json, Value};
use std::{
	io::{Read, Write},
	net::TcpStream,
	time::Duration,
};

/// One JSON-RPC call over HTTP/1.1 to 127.0.0.1:`port`.
pub fn rpc_call(port: u16, method: &str, params: Value) -> Result<Value, String> {
	let body = json!({ "jsonrpc": "2.0", "id": 1, "method": method, "params": params }).to_string();
	let response = http_post(port, &body)?;
	let reply: Value =
		serde_json::from_str(&response).map_err(|e| format!("not JSON ({e}): {response}"))?;
	match reply.get("error") {
		Some(error) => Err(error.to_string()),
		None => reply.get("result").cloned().ok_or_else(|| format!("no result: {reply}")),
	}
}

/// POSTs `body` as JSON and returns the response body.
pub fn http_post(port: u16, body: &str) -> Result<String, String> {
	let mut stream = TcpStream::connect(("127.0.0.1", port)).map_err(|e| e.to_string())?;
	stream
		.set_read_timeout(Some(Duration::from_secs(30)))
		.map_err(|e| e.to_string())?;
	let request = format!(
		"POST / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n\
		 Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
		body.len()
	);
	stream.write_all(request.as_bytes()).map_err(|e| e.to_string())?;
	let mut response = Vec::new();
	stream.read_to_end(&mut response).map_err(|e| e.to_string())?;
	let response = String::from_utf8_lossy(&response);
	let (head, body) = response.split_once("\r\n\r\n").ok_or("malformed HTTP response")?;
	if head.to_ascii_lowercase().contains("transfer-encoding: chunked") {
		return Ok(dechunk(body));
	}
	Ok(body.to_string())
}

fn dechunk(mut body: &str) -> String {
	let mut out = String::new();
	while let Some((size, rest)) = body.split_once("\r\n") {
		let size = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
		if size == 0 || rest.len() < size {
			break;
		}
		out.push_str(&rest[..size]);
		body = rest[size..].trim_start_matches("\r\n");
	}
	out
}

/// `0x`-prefixed lowercase hex.
pub fn to_hex(bytes: &[u8]) -> String {
	format!("0x{}", hex::encode(bytes))
}

/// Decodes a SCALE value from `0x`-prefixed hex; panics with the input on failure.
#[track_caller]
pub fn decode_hex<T: Decode>(text: &str) -> T {
	let bytes = hex::decode(text.trim_start_matches("0x"))
		.unwrap_or_else(|e| panic!("not hex ({e}): {text}"));
	T::decode(&mut &bytes[..]).unwrap_or_else(|e| panic!("cannot decode {text}: {e}"))
}
