package io.smbcopilot.problem;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

@QuarkusTest
class ProblemMappersTest {
  private static final String BASE = "https://smbcopilot.io/problems/";

  @Test
  void invalidFieldsAreNamedOneByOne() {
    given()
        .contentType(ContentType.JSON)
        .body("{\"tenantName\":\"\",\"email\":\"not-an-email\",\"seats\":3}")
        .post("/test-problems/signup")
        .then()
        .statusCode(400)
        .contentType("application/problem+json")
        .body("type", equalTo(BASE + "validation"))
        .body("errors.field", hasItems("email", "tenantName"))
        .body("errors.find { it.field == 'email' }.message", notNullValue())
        .body("detail", containsString("email"));
  }

  @Test
  void anInvalidQueryParameterIsNamed() {
    given()
        .get("/test-problems/items?limit=500")
        .then()
        .statusCode(400)
        .body("type", equalTo(BASE + "validation"))
        .body("errors[0].field", containsString("limit"));
  }

  @Test
  void aQueryParameterOfTheWrongTypeIsABadRequest() {
    for (String limit : java.util.List.of("abc", "99999999999999999999", "1.5")) {
      given()
          .get("/test-problems/items?limit=" + limit)
          .then()
          .statusCode(400)
          .contentType("application/problem+json")
          .body("type", equalTo(BASE + "validation"))
          .body("detail", containsString("wrong type"));
    }
    // an address that is not there is still a 404
    given().get("/test-problems/nothing-here").then().statusCode(404);
  }

  @Test
  void malformedJsonIsABadRequestNotAServerError() {
    given()
        .contentType(ContentType.JSON)
        .body("{\"tenantName\": \"Acme\",")
        .post("/test-problems/signup")
        .then()
        .statusCode(400)
        .contentType("application/problem+json")
        .body("type", equalTo(BASE + "malformed-body"));
  }

  @Test
  void aWronglyTypedFieldIsNamed() {
    given()
        .contentType(ContentType.JSON)
        .body("{\"tenantName\":\"Acme\",\"email\":\"a@b.test\",\"seats\":\"many\"}")
        .post("/test-problems/signup")
        .then()
        .statusCode(400)
        .body("type", equalTo(BASE + "validation"))
        .body("errors[0].field", equalTo("seats"));
  }

  @Test
  void aNulCharacterIsRefusedInAStringAndInATree() {
    given()
        .contentType(ContentType.JSON)
        .body("{\"tenantName\":\"Ac\\u0000me\",\"email\":\"a@b.test\",\"seats\":1}")
        .post("/test-problems/signup")
        .then()
        .statusCode(400)
        .contentType("application/problem+json")
        .body("errors[0].field", equalTo("tenantName"))
        .body("errors[0].message", equalTo("NUL characters are not allowed"));
    given()
        .contentType(ContentType.JSON)
        .body("{\"data\":{\"list\":[1,{\"deep\":\"x\\u0000\"}]}}")
        .post("/test-problems/notes")
        .then()
        .statusCode(400)
        .contentType("application/problem+json")
        .body("errors[0].field", equalTo("data"));
    // text without one, a tree and JSON null still read as before
    given()
        .contentType(ContentType.JSON)
        .body("{\"tenantName\":\"Ac\\\\u0000me\",\"email\":\"a@b.test\",\"seats\":1}")
        .post("/test-problems/signup")
        .then()
        .statusCode(200)
        .body("tenantName", equalTo("Ac\\u0000me"));
    given()
        .contentType(ContentType.JSON)
        .body("{\"data\":{\"list\":[1,{\"deep\":\"x\"}]}}")
        .post("/test-problems/notes")
        .then()
        .statusCode(200)
        .body("data.list[1].deep", equalTo("x"));
  }

  @Test
  void wrongMethodAndWrongMediaTypeAreProblems() {
    given()
        .delete("/test-problems/signup")
        .then()
        .statusCode(405)
        .contentType("application/problem+json")
        .body("type", equalTo(BASE + "method-not-allowed"));
    given()
        .contentType(ContentType.XML)
        .body("<signup/>")
        .post("/test-problems/signup")
        .then()
        .statusCode(415)
        .contentType("application/problem+json")
        .body("type", equalTo(BASE + "unsupported-media-type"));
  }

  @Test
  void serviceProblemsKeepTheirTypeAndDetail() {
    given()
        .get("/test-problems/items/42")
        .then()
        .statusCode(404)
        .body("type", equalTo(BASE + "not-found"))
        .body("detail", equalTo("item 42 was not found"));
    given()
        .get("/test-problems/conflict")
        .then()
        .statusCode(409)
        .body("type", equalTo(BASE + "conflict"))
        .body("title", equalTo("Conflict"));
  }

  @Test
  void anUnexpectedErrorRevealsNothingButTheRequestId() {
    String body =
        given()
            .header("X-Request-Id", "req-500")
            .get("/test-problems/boom")
            .then()
            .statusCode(500)
            .contentType("application/problem+json")
            .header("X-Request-Id", "req-500")
            .body("type", equalTo(BASE + "internal"))
            .body("requestId", equalTo("req-500"))
            .body("detail", containsString("req-500"))
            .extract()
            .asString();
    org.assertj.core.api.Assertions.assertThat(body)
        .doesNotContain("hunter2")
        .doesNotContain("IllegalStateException")
        .doesNotContain("at io.smbcopilot");
  }

  @Test
  void anInsaneRequestIdIsReplaced() {
    given()
        .header("X-Request-Id", "bad id with spaces <script>")
        .get("/test-problems/items/1")
        .then()
        .statusCode(404)
        .header("X-Request-Id", not(containsString(" ")))
        .body("requestId", not(containsString("<")));
  }

  @Test
  void aServiceThatClosedTheConnectionBeforeItAnsweredIsA503() {
    given()
        .get("/test-problems/away")
        .then()
        .statusCode(503)
        .contentType("application/problem+json")
        .body("type", equalTo(BASE + "service-unavailable"))
        .body("detail", containsString("cannot be reached; try again"));
  }

  @Test
  void aDatabaseShuttingDownIsA503AndARefusedQueryIsNot() {
    given()
        .get("/test-problems/database-away")
        .then()
        .statusCode(503)
        .contentType("application/problem+json")
        .body("type", equalTo(BASE + "service-unavailable"));
    given().get("/test-problems/database-refused").then().statusCode(500);
  }
}
