namespace ScimBridge.Admin;

/// <summary>
/// The progress page's one script (the console's CSP allows scripts from the bridge only, none inline): it polls the page's
/// figures and updates its status region in place, so focus and the screen reader's position stay where the admin left them.
/// </summary>
public static class ProgressScript
{
    public const string Path = "/admin/progress.js";

    private const string Source = """
        "use strict";
        (function () {
            var panel = document.querySelector("[data-poll]");
            if (!panel) { return; }
            var url = panel.getAttribute("data-poll");
            var every = (Number(panel.getAttribute("data-poll-seconds")) || 2) * 1000;
            var svg = "http://www.w3.org/2000/svg";
            function set(selector, value) {
                var element = panel.querySelector(selector);
                if (element && element.textContent !== value) { element.textContent = value; }
            }
            function draw(parts) {
                var bar = panel.querySelector(".progress-bar");
                bar.querySelectorAll("rect:not(.track)").forEach(function (rect) { rect.remove(); });
                parts.forEach(function (part) {
                    var rect = document.createElementNS(svg, "rect");
                    rect.setAttribute("class", part.part);
                    rect.setAttribute("x", String(part.start));
                    rect.setAttribute("y", "0");
                    rect.setAttribute("width", String(part.width));
                    rect.setAttribute("height", "4");
                    bar.appendChild(rect);
                });
            }
            function poll() {
                fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
                    .then(function (response) {
                        if (!response.ok) { throw new Error(String(response.status)); }
                        return response.json();
                    })
                    .then(function (state) {
                        set("[data-testid=progress-state]", state.headline);
                        set("[data-testid=progress-summary]", state.summary);
                        panel.querySelector("[data-testid=progress-state]").classList.toggle("bad", state.failed > 0);
                        draw(state.bar);
                        if (state.done) {
                            panel.querySelector("[data-testid=progress-refresh]").hidden = false;
                        } else {
                            setTimeout(poll, every);
                        }
                    })
                    .catch(function () { setTimeout(poll, every * 5); });
            }
            setTimeout(poll, every);
        })();
        """;

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapMethods(Path, [HttpMethods.Get, HttpMethods.Head], (HttpContext context) =>
            {
                context.Response.Headers.CacheControl = "no-cache";
                context.Response.Headers.XContentTypeOptions = "nosniff";
                return Results.Text(Source, "text/javascript; charset=utf-8");
            })
            .AllowAnonymous().ExcludeFromDescription();
}
