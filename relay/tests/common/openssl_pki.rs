//! A PKI made with the `openssl` command line, for servers whose
//! certificates must be exactly so: a key type and size rcgen cannot make
//! (RSA 1024, P-521), a signature algorithm (sha384WithRSAEncryption), a
//! lifetime in days, an OCSP responder URL. A P-256 root signs an ECDSA and
//! an RSA intermediate; leaves are issued by either.

use std::path::{Path, PathBuf};
use std::process::Command;

/// A key as `openssl genpkey` makes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeySpec {
    /// An EC key on this curve (`P-256`, `P-384`, `P-521`).
    Ec(&'static str),
    /// An RSA key of this many bits.
    Rsa(u32),
}

/// Which intermediate signs a leaf.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Signer {
    /// The P-256 intermediate (ecdsa-with-SHA256).
    Ec,
    /// The RSA-2048 intermediate, with this digest (`sha256`, `sha384`).
    Rsa(&'static str),
}

/// A leaf to issue.
#[derive(Clone, Debug)]
pub struct LeafSpec {
    pub name: String,
    pub key: KeySpec,
    pub signer: Signer,
    /// Days from now (notBefore is now).
    pub days: u32,
    /// Put an OCSP responder URL in the leaf.
    pub ocsp_url: bool,
}

impl LeafSpec {
    pub fn new(name: &str, key: KeySpec, signer: Signer) -> LeafSpec {
        LeafSpec {
            name: name.to_owned(),
            key,
            signer,
            days: 80,
            ocsp_url: false,
        }
    }
}

/// The root and intermediates, in `dir`.
pub struct OsslPki {
    dir: PathBuf,
    /// The root certificate (the `--ca-file`).
    pub root: PathBuf,
    serial: std::cell::Cell<u64>,
}

fn openssl(args: &[&str]) {
    let out = Command::new("openssl")
        .args(args)
        .output()
        .expect("openssl");
    assert!(
        out.status.success(),
        "openssl {}: {}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

const CA_EXT: &str = "[ext]\nbasicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\n";

impl OsslPki {
    /// A new root and its two intermediates in `dir`.
    pub fn new(dir: &Path) -> OsslPki {
        let pki = OsslPki {
            dir: dir.to_owned(),
            root: dir.join("root.crt"),
            serial: std::cell::Cell::new(0x1000),
        };
        let root_key = pki.key("root", KeySpec::Ec("P-256"));
        let csr = pki.csr("root", &root_key, "TLS Lens Profiles Root");
        let ext = pki.write("ca.ext", CA_EXT);
        let serial = pki.next_serial();
        openssl(&[
            "x509",
            "-req",
            "-in",
            s(&csr),
            "-signkey",
            s(&root_key),
            "-days",
            "3650",
            "-sha256",
            "-set_serial",
            &serial,
            "-extfile",
            s(&ext),
            "-extensions",
            "ext",
            "-out",
            s(&pki.root),
        ]);
        // Intermediates name their issuer's key, as every CA's do (the
        // validator wants an authorityKeyIdentifier below the root).
        let ext = pki.write(
            "inter.ext",
            &format!("{CA_EXT}authorityKeyIdentifier=keyid\n"),
        );
        for (name, key) in [
            ("inter-ec", KeySpec::Ec("P-256")),
            ("inter-rsa", KeySpec::Rsa(2048)),
        ] {
            let k = pki.key(name, key);
            let csr = pki.csr(name, &k, &format!("TLS Lens Profiles {name}"));
            let serial = pki.next_serial();
            openssl(&[
                "x509",
                "-req",
                "-in",
                s(&csr),
                "-CA",
                s(&pki.root),
                "-CAkey",
                s(&root_key),
                "-days",
                "3650",
                "-sha256",
                "-set_serial",
                &serial,
                "-extfile",
                s(&ext),
                "-extensions",
                "ext",
                "-out",
                s(&dir.join(format!("{name}.crt"))),
            ]);
        }
        pki
    }

    fn next_serial(&self) -> String {
        let n = self.serial.get() + 1;
        self.serial.set(n);
        format!("0x{n:x}")
    }

    fn write(&self, name: &str, text: &str) -> PathBuf {
        let p = self.dir.join(name);
        std::fs::write(&p, text).unwrap();
        p
    }

    /// A key file `NAME.key`.
    pub fn key(&self, name: &str, key: KeySpec) -> PathBuf {
        let path = self.dir.join(format!("{name}.key"));
        let opt = match key {
            KeySpec::Ec(curve) => vec![
                "-algorithm".to_owned(),
                "EC".to_owned(),
                "-pkeyopt".to_owned(),
                format!("ec_paramgen_curve:{curve}"),
            ],
            KeySpec::Rsa(bits) => vec![
                "-algorithm".to_owned(),
                "RSA".to_owned(),
                "-pkeyopt".to_owned(),
                format!("rsa_keygen_bits:{bits}"),
            ],
        };
        let mut args = vec!["genpkey"];
        args.extend(opt.iter().map(String::as_str));
        args.extend(["-out", s(&path)]);
        openssl(&args);
        path
    }

    fn csr(&self, name: &str, key: &Path, cn: &str) -> PathBuf {
        let path = self.dir.join(format!("{name}.csr"));
        openssl(&[
            "req",
            "-new",
            "-key",
            s(key),
            "-subj",
            &format!("/CN={cn}"),
            "-out",
            s(&path),
        ]);
        path
    }

    /// Issues `spec`; returns (chain file: leaf then intermediate, key file).
    pub fn leaf(&self, file: &str, spec: &LeafSpec) -> (PathBuf, PathBuf) {
        let key = self.key(file, spec.key);
        self.leaf_with_key(file, spec, &key)
    }

    /// Like [`Self::leaf`], with an existing key (RSA keys are slow to make).
    pub fn leaf_with_key(&self, file: &str, spec: &LeafSpec, key: &Path) -> (PathBuf, PathBuf) {
        let csr = self.csr(file, key, &spec.name);
        let mut ext = format!(
            "[ext]\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:{}\nauthorityKeyIdentifier=keyid\n",
            spec.name
        );
        if spec.ocsp_url {
            ext.push_str("authorityInfoAccess=OCSP;URI:http://127.0.0.1:9/ocsp\n");
        }
        let ext = self.write(&format!("{file}.ext"), &ext);
        let (inter, digest) = match spec.signer {
            Signer::Ec => ("inter-ec", "sha256"),
            Signer::Rsa(d) => ("inter-rsa", d),
        };
        let inter_crt = self.dir.join(format!("{inter}.crt"));
        let inter_key = self.dir.join(format!("{inter}.key"));
        let crt = self.dir.join(format!("{file}.crt"));
        let serial = self.next_serial();
        openssl(&[
            "x509",
            "-req",
            "-in",
            s(&csr),
            "-CA",
            s(&inter_crt),
            "-CAkey",
            s(&inter_key),
            "-days",
            &spec.days.to_string(),
            &format!("-{digest}"),
            "-set_serial",
            &serial,
            "-extfile",
            s(&ext),
            "-extensions",
            "ext",
            "-out",
            s(&crt),
        ]);
        let chain = self.dir.join(format!("{file}.chain.crt"));
        let mut pem = std::fs::read_to_string(&crt).unwrap();
        pem.push_str(&std::fs::read_to_string(&inter_crt).unwrap());
        std::fs::write(&chain, pem).unwrap();
        (chain, key.to_owned())
    }

    /// DH parameters: RFC 7919 ffdhe2048, or a fresh 1024-bit prime.
    pub fn dhparam(&self, bits: u32) -> PathBuf {
        let path = self.dir.join(format!("dh{bits}.pem"));
        if bits == 2048 {
            openssl(&[
                "genpkey",
                "-genparam",
                "-algorithm",
                "DH",
                "-pkeyopt",
                "group:ffdhe2048",
                "-out",
                s(&path),
            ]);
        } else {
            openssl(&["dhparam", "-dsaparam", "-out", s(&path), &bits.to_string()]);
        }
        path
    }
}
