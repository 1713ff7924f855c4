package io.smbcopilot.gateway;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smbcopilot.devstack.DevStackResource;
import io.smbcopilot.testing.InternalTokenResource;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The dashboard as the gateway serves it (the dashboard jar is on the classpath): the app's routes
 * get index.html, never cached, with the app's CSP; hashed assets are cached for a year; the API,
 * management and missing files are not swallowed by the fallback.
 */
@QuarkusTest
@WithTestResource(InternalTokenResource.class)
@WithTestResource(
    value = DevStackResource.class,
    initArgs = {
      @ResourceArg(name = "service", value = "api-gateway"),
      @ResourceArg(name = "components", value = "postgres")
    })
class DashboardRoutesTest {
  private static final Pattern SCRIPT = Pattern.compile("src=\"(/assets/index-[^\"]+\\.js)\"");

  @Test
  void theAppsRoutesGetIndexHtmlNeverCachedWithTheAppsPolicy() {
    for (String path : new String[] {"/", "/settings/members", "/accept-invitation", "/ask/abc"}) {
      given()
          .get(path)
          .then()
          .statusCode(200)
          .contentType(startsWith("text/html"))
          .header("Cache-Control", "no-cache")
          .header("Content-Security-Policy", containsString("script-src 'self'"))
          .header("Content-Security-Policy", containsString("connect-src 'self' http://"))
          .header("X-Frame-Options", "DENY")
          .body(containsString("<div id=\"root\"></div>"));
    }
    given().head("/documents").then().statusCode(200).header("Cache-Control", "no-cache");
  }

  @Test
  void hashedAssetsAreCachedForAYearAndAMissingOneIsA404() {
    String html = given().get("/").then().statusCode(200).extract().asString();
    Matcher script = SCRIPT.matcher(html);
    assertThat(script.find()).as("index.html loads a hashed script: %s", html).isTrue();
    given()
        .get(script.group(1))
        .then()
        .statusCode(200)
        .contentType(containsString("javascript"))
        .header("Cache-Control", "public, max-age=31536000, immutable");
    given().get("/assets/index-missing.js").then().statusCode(404);
    given().get("/favicon.svg").then().statusCode(200).contentType(containsString("svg"));
    given().get("/no-such-file.txt").then().statusCode(404);
  }

  @Test
  void theFallbackLeavesTheApiAndManagementAlone() {
    given()
        .get("/api/v1/no-such-route")
        .then()
        .statusCode(404)
        .contentType(startsWith("application/problem+json"))
        .header("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
    given()
        .get("/q/health/live")
        .then()
        .statusCode(200)
        .contentType(startsWith("application/json"));
    given().get("/internal/v1/nothing").then().statusCode(404);
  }

  @Test
  void clientConfigSaysWhereBrowsersSignIn() {
    given()
        .get("/api/v1/client-config")
        .then()
        .statusCode(200)
        .contentType(startsWith("application/json"))
        .header("Cache-Control", "no-cache")
        .body("clientId", equalTo("copilot-dashboard"))
        .body("authority", startsWith("http"))
        .body("authority", containsString("/realms/copilot"));
  }
}
