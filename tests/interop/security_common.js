'use strict';
// Shared by security_cp.js and security_cs.js: the 11 messages of the security whitepaper by direction, the
// payload file the C++ test writes (real keys, CSR, chain and signature from ocpp::pki), and the checks both scripts
// make with node's own crypto, independent of OpenSSL as our side calls it.
const crypto = require('crypto');
const fs = require('fs');

const SEC_CP_TO_CS = ['LogStatusNotification', 'SecurityEventNotification', 'SignCertificate',
    'SignedFirmwareStatusNotification'];
const SEC_CS_TO_CP = ['CertificateSigned', 'DeleteCertificate', 'ExtendedTriggerMessage',
    'GetInstalledCertificateIds', 'GetLog', 'InstallCertificate', 'SignedUpdateFirmware'];

// {csr, chain, root, hashData, signingCertificate, signature, firmware, firmwareUrl, logUrl}
function readPayloads(path) {
    return JSON.parse(fs.readFileSync(path, 'utf8'));
}

// The PEM blocks of a bundle as X509Certificate objects.
function certificates(pem) {
    const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) || [];
    return blocks.map((b) => new crypto.X509Certificate(b));
}

// Why a chain (leaf first) does not lead to the root, or '' when it does.
function chainProblem(chainPem, rootPem) {
    const chain = certificates(chainPem);
    const [root] = certificates(rootPem);
    if (!chain.length || !root) {
        return 'no certificate';
    }
    const path = [...chain, root];
    for (let i = 0; i + 1 < path.length; i++) {
        if (!path[i].checkIssued(path[i + 1]) || !path[i].verify(path[i + 1].publicKey)) {
            return `certificate ${i} is not signed by certificate ${i + 1}`;
        }
    }
    return '';
}

// Whether a base64 SHA-256 signature over data verifies with the certificate's key.
function signatureVerifies(certificatePem, data, signatureB64) {
    const [cert] = certificates(certificatePem);
    return !!cert && crypto.verify('sha256', Buffer.from(data), cert.publicKey, Buffer.from(signatureB64, 'base64'));
}

function sameHashData(a, b) {
    const plain = (s) => String(s).toLowerCase().replace(/^0+(?=.)/, '');
    return !!a && !!b && a.hashAlgorithm === b.hashAlgorithm &&
        a.issuerNameHash.toLowerCase() === b.issuerNameHash.toLowerCase() &&
        a.issuerKeyHash.toLowerCase() === b.issuerKeyHash.toLowerCase() &&
        plain(a.serialNumber) === plain(b.serialNumber);
}

module.exports = {SEC_CP_TO_CS, SEC_CS_TO_CP, readPayloads, certificates, chainProblem, signatureVerifies,
    sameHashData};
