/** One plain line for a failed connection attempt: what failed, where, and the system's code. */
export function describeNetworkError(error: unknown, url: string): string {
  const err = error as { code?: string; message?: string; cause?: unknown };
  const code = err.code ?? (err.cause as { code?: string } | undefined)?.code;
  const host = safeHost(url);
  switch (code) {
    case 'ECONNREFUSED':
      return `connection refused by ${host}`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `cannot resolve host ${host}`;
    case 'ECONNRESET':
      return `connection reset by ${host}`;
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return `connection to ${host} timed out`;
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'CERT_HAS_EXPIRED':
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
      return `TLS certificate of ${host} rejected (${code}); use --insecure to accept it`;
    default: {
      const message = err.message ?? String(error);
      if (/handshake has timed out/i.test(message))
        return `opening handshake with ${host} timed out`;
      if (/ssl|tls|certificate/i.test(message)) return `TLS failure with ${host}: ${message}`;
      return code ? `${message} (${code})` : message;
    }
  }
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
