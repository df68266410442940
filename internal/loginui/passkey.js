// The managed login pages' only script. A form with data-passkey="get"
// (sign in: the WEB_AUTHN challenge's PublicKeyCredentialRequestOptionsJSON
// in data-options) or data-passkey="create" (register:
// PublicKeyCredentialCreationOptionsJSON) asks the browser for a passkey
// when it is submitted, puts the credential's JSON (AuthenticationResponseJSON
// or RegistrationResponseJSON, base64url fields) in its "credential" field
// and posts it. Served from the pages' origin under a CSP that allows this
// file by nonce and nothing else: no inline script, no eval.
(function () {
  'use strict';

  function bytes(s) {
    s = s.replace(/-/g, '+').replace(/_/g, '/');
    while (s.length % 4) s += '=';
    const bin = atob(s);
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out.buffer;
  }

  function b64url(buf) {
    const a = new Uint8Array(buf);
    let bin = '';
    for (let i = 0; i < a.length; i++) bin += String.fromCharCode(a[i]);
    return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }

  function refs(list) {
    return (list || []).map(function (c) { return Object.assign({}, c, { id: bytes(c.id) }); });
  }

  function creationOptions(o) {
    return Object.assign({}, o, {
      challenge: bytes(o.challenge),
      user: Object.assign({}, o.user, { id: bytes(o.user.id) }),
      excludeCredentials: refs(o.excludeCredentials),
    });
  }

  function requestOptions(o) {
    return Object.assign({}, o, { challenge: bytes(o.challenge), allowCredentials: refs(o.allowCredentials) });
  }

  function toJSON(cred) {
    const r = cred.response;
    const out = {
      id: cred.id, rawId: b64url(cred.rawId), type: cred.type,
      authenticatorAttachment: cred.authenticatorAttachment || undefined,
      clientExtensionResults: cred.getClientExtensionResults ? cred.getClientExtensionResults() : {},
      response: { clientDataJSON: b64url(r.clientDataJSON) },
    };
    if (r.attestationObject) {
      out.response.attestationObject = b64url(r.attestationObject);
      out.response.transports = r.getTransports ? r.getTransports() : [];
    } else {
      out.response.authenticatorData = b64url(r.authenticatorData);
      out.response.signature = b64url(r.signature);
      if (r.userHandle && r.userHandle.byteLength) out.response.userHandle = b64url(r.userHandle);
    }
    return out;
  }

  function fail(form) {
    const box = document.getElementById('passkey-error');
    if (box) box.hidden = false;
    form.querySelectorAll('button').forEach(function (b) { b.disabled = false; });
  }

  document.querySelectorAll('form[data-passkey]').forEach(function (form) {
    form.addEventListener('submit', function (ev) {
      ev.preventDefault();
      if (!window.PublicKeyCredential || !navigator.credentials) {
        fail(form);
        return;
      }
      form.querySelectorAll('button').forEach(function (b) { b.disabled = true; });
      let options;
      try {
        options = JSON.parse(form.dataset.options);
      } catch (e) {
        fail(form);
        return;
      }
      const ask = form.dataset.passkey === 'create'
        ? navigator.credentials.create({ publicKey: creationOptions(options) })
        : navigator.credentials.get({ publicKey: requestOptions(options) });
      ask.then(function (cred) {
        form.elements.credential.value = JSON.stringify(toJSON(cred));
        form.submit();
      }, function () { fail(form); });
    });
  });
})();
