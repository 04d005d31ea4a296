//! The HTML simulation report (`--html FILE`) through the real binary: one self-contained file
//! (nothing fetched, no script), with every section; rendered in a real browser (Debian's
//! headless `chromium`): the page loads without a console message, and every plot draws
//! (non-blank pixels in each SVG's box, each SVG rendered on its own page). Where `chromium`
//! is absent the browser part fails when PERITRIAL_REQUIRE_BROWSER is set (as `.ci/run` does
//! after installing it), and is reported as not run otherwise.

fn chromium() -> Option<std::path::PathBuf> {
    ["chromium", "chromium-browser", "google-chrome"].iter().find_map(|name| {
        std::env::var_os("PATH")?.to_str()?.split(':').map(|d| std::path::Path::new(d).join(name)).find(|p| p.is_file())
    })
}

/// Renders `page` headless at `size`, returning the PNG's pixels (RGBA or RGB) and the
/// browser's console lines.
fn render(
    browser: &std::path::Path,
    page: &std::path::Path,
    size: (u32, u32),
    png: &std::path::Path,
) -> (Vec<[u8; 3]>, Vec<String>) {
    let profile = tempfile::tempdir().unwrap();
    let o = std::process::Command::new(browser)
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars"])
        .args(["--enable-logging=stderr", "--v=0"])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("--window-size={},{}", size.0, size.1))
        .arg(format!("--screenshot={}", png.display()))
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    let console: Vec<String> = stderr.lines().filter(|l| l.contains(":CONSOLE")).map(String::from).collect();
    let decoder =
        png::Decoder::new(std::fs::File::open(png).unwrap_or_else(|e| panic!("no screenshot ({e}): {stderr}")));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    let step = info.color_type.samples();
    let pixels = buf[..info.buffer_size()].chunks(step).map(|p| [p[0], p[1], p[2]]).collect();
    (pixels, console)
}

#[test]
fn the_html_report_is_self_contained_and_renders_in_a_browser() {
    let dir = tempfile::tempdir().unwrap();
    let html = dir.path().join("report.html");
    let o = crate::helpers::peritrial()
        .args(["run", "scenarios/three-endpoint-family.toml", "--replicates", "500", "--quiet", "--out", "/dev/null"])
        .args(["--set", "enrollment.sample_size=880", "--null", "--html"])
        .arg(&html)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = std::fs::read_to_string(&html).unwrap();
    // Self-contained: no script, no stylesheet or image fetched, no external address.
    for bad in ["<script", "<link", "<img", "<iframe", " src=", "url(", "@import"] {
        assert!(!text.contains(bad), "the report holds {bad:?}");
    }
    for scheme in ["http://", "https://"] {
        assert!(only_namespaces(&text, scheme), "the report holds an address to fetch ({scheme})");
    }
    for section in [
        "id=\"design\"",
        "id=\"operating-characteristics\"",
        "id=\"analytic\"",
        "id=\"plots\"",
        "id=\"warnings\"",
        "id=\"type-one-error\"",
        "id=\"reproduction\"",
    ] {
        assert!(text.contains(section), "no section {section}");
    }
    // The --set value is marked in the effective scenario; the provenance is there.
    assert!(text.contains("<span class=\"set\">sample_size = 880</span>"));
    assert!(text.contains("scenario SHA-256"));
    let figures = text.matches("<figure").count();
    // Estimates (3), curves (3), example trials, spending functions, the looks' timeline,
    // boundaries (2), analysis month.
    assert_eq!(figures, 12, "one figure per plot of the run");
    // The type I error of each of the three tests and of the family, each with its verdict.
    assert!(text.contains("the same trials under the null"));
    assert_eq!(text.matches("<td class=\"l ok\">").count() + text.matches("<td class=\"l off\">").count(), 4);
    assert!(text.contains("95% interval coverage"));
    let Some(browser) = chromium() else {
        assert!(
            std::env::var_os("PERITRIAL_REQUIRE_BROWSER").is_none(),
            "chromium is required (PERITRIAL_REQUIRE_BROWSER) but not found"
        );
        eprintln!("NOT RUN: the browser part (no chromium on PATH; .ci/run installs it)");
        return;
    };
    let (pixels, console) = render(&browser, &html, (1000, 3000), &dir.path().join("report.png"));
    assert!(console.is_empty(), "the browser's console: {console:?}");
    let ink = pixels.iter().filter(|p| p.iter().any(|&c| c < 200)).count();
    assert!(ink > pixels.len() / 100, "the page is blank ({ink} dark pixels)");
    // Every plot, alone on a page of its size: it draws.
    let mut rest = text.as_str();
    let mut k = 0;
    while let Some(i) = rest.find("<svg") {
        let j = rest[i..].find("</svg>").unwrap() + i + "</svg>".len();
        let page = dir.path().join(format!("plot{k}.html"));
        std::fs::write(&page, format!("<!DOCTYPE html><html><body style=\"margin:0\">{}</body></html>", &rest[i..j]))
            .unwrap();
        let (pixels, console) = render(&browser, &page, (720, 440), &dir.path().join(format!("plot{k}.png")));
        assert!(console.is_empty(), "plot {k}: {console:?}");
        let ink = pixels.iter().filter(|p| p.iter().any(|&c| c < 200)).count();
        assert!(ink > pixels.len() / 50, "plot {k} is blank ({ink} of {} pixels drawn)", pixels.len());
        rest = &rest[j..];
        k += 1;
    }
    assert_eq!(k, figures);
}

/// Whether every occurrence of an address in the text is an SVG namespace (not fetched).
fn only_namespaces(text: &str, scheme: &str) -> bool {
    text.match_indices(scheme).all(|(i, _)| text[i..].starts_with("http://www.w3.org/2000/svg"))
}
