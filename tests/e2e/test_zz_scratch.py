PAGES = ["/en/", "/en/programme/", "/fi/programme/work_ability/", "/en/help/", "/en/accounts/signup/", "/en/accounts/login/", "/en/accounts/login/code/confirm/"]
def test_dump(new_context, live_server, programme):
    page = new_context(viewport={"width": 320, "height": 640}).new_page()
    for i, path in enumerate(PAGES):
        page.goto(path)
        h = page.evaluate("document.documentElement.scrollHeight")
        for j, y in enumerate(range(0, min(h, 3000), 900)):
            page.screenshot(path=f"/tmp/scratch/phone-{i}-{j}.png", full_page=True, clip={"x": 0, "y": y, "width": 320, "height": min(900, h - y)})
