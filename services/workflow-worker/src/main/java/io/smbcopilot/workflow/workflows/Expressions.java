package io.smbcopilot.workflow.workflows;

import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.CelValidationResult;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.navigation.CelNavigableAst;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Workflows' expressions and conditions in the Common Expression Language (Google's cel-java): no
 * script engine, no parser of ours. The variables are {@code trigger} (what started the run),
 * {@code steps} (each earlier step's {@code output} by id), {@code item} (in a loop) and {@code
 * run}. Cost is bounded: an expression has at most {@value #MAX_CODE_POINTS} characters and a
 * nesting depth of {@value #MAX_DEPTH}, and a comprehension ({@code map}, {@code filter}, {@code
 * all}...) at most {@value #MAX_ITERATIONS} iterations, so no expression runs long whatever it is
 * given.
 */
public final class Expressions {
  static final int MAX_CODE_POINTS = 2_000;
  static final int MAX_DEPTH = 32;
  static final int MAX_ITERATIONS = 10_000;

  /** An expression that does not compile; the message is CEL's, with the position. */
  public static final class Invalid extends Exception {
    Invalid(String message) {
      super(message, null, false, false);
    }
  }

  /** An expression that failed while evaluated (a missing field, a wrong type...). */
  public static final class Failed extends RuntimeException {
    Failed(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private static final Cel CEL =
      CelFactory.standardCelBuilder()
          // has, all, exists, exists_one, map, filter: bounded by comprehensionMaxIterations
          .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
          .setOptions(
              CelOptions.current()
                  .maxExpressionCodePointSize(MAX_CODE_POINTS)
                  .maxParseRecursionDepth(MAX_DEPTH)
                  .comprehensionMaxIterations(MAX_ITERATIONS)
                  .build())
          .addVar("trigger", SimpleType.DYN)
          .addVar("steps", MapType.create(SimpleType.STRING, SimpleType.DYN))
          .addVar("item", SimpleType.DYN)
          .addVar("run", MapType.create(SimpleType.STRING, SimpleType.DYN))
          .build();

  private Expressions() {}

  /**
   * Expressions compiled lately, by their text (a syntax tree is immutable): a run's steps evaluate
   * the same few expressions again and again, and compiling them was a twentieth of the worker's
   * CPU in the workflows benchmark.
   */
  private static final com.github.benmanes.caffeine.cache.Cache<String, CelAbstractSyntaxTree>
      COMPILED =
          com.github.benmanes.caffeine.cache.Caffeine.newBuilder().maximumSize(5_000).build();

  /** The expression compiled (parsed and type-checked). */
  public static CelAbstractSyntaxTree compile(String source) throws Invalid {
    if (source == null || source.isBlank()) {
      throw new Invalid("is empty");
    }
    CelAbstractSyntaxTree known = COMPILED.getIfPresent(source);
    if (known != null) {
      return known;
    }
    CelAbstractSyntaxTree compiled = compileNow(source);
    COMPILED.put(source, compiled);
    return compiled;
  }

  private static CelAbstractSyntaxTree compileNow(String source) throws Invalid {
    CelValidationResult result = CEL.compile(source);
    if (result.hasError()) {
      throw new Invalid(result.getErrorString().replaceAll("\\s+", " ").trim());
    }
    try {
      return result.getAst();
    } catch (CelValidationException e) {
      throw new Invalid(e.getMessage());
    }
  }

  /** The step ids the expression reads ({@code steps.<id>} or {@code steps["<id>"]}). */
  public static Set<String> stepsRead(CelAbstractSyntaxTree ast) {
    return CelNavigableAst.fromAst(ast)
        .getRoot()
        .allNodes()
        .map(node -> node.expr())
        .map(Expressions::stepRead)
        .filter(id -> id != null)
        .collect(Collectors.toSet());
  }

  /** True when the expression reads the variable (e.g. {@code item}). */
  public static boolean reads(CelAbstractSyntaxTree ast, String variable) {
    return CelNavigableAst.fromAst(ast)
        .getRoot()
        .allNodes()
        .anyMatch(
            node ->
                node.expr().getKind() == CelExpr.ExprKind.Kind.IDENT
                    && node.expr().ident().name().equals(variable));
  }

  private static String stepRead(CelExpr e) {
    if (e.getKind() == CelExpr.ExprKind.Kind.SELECT) {
      CelExpr operand = e.select().operand();
      if (operand.getKind() == CelExpr.ExprKind.Kind.IDENT
          && operand.ident().name().equals("steps")) {
        return e.select().field();
      }
    }
    if (e.getKind() == CelExpr.ExprKind.Kind.CALL
        && e.call().function().equals("_[_]")
        && e.call().args().size() == 2
        && e.call().args().get(0).getKind() == CelExpr.ExprKind.Kind.IDENT
        && e.call().args().get(0).ident().name().equals("steps")
        && e.call().args().get(1).getKind() == CelExpr.ExprKind.Kind.CONSTANT) {
      return e.call().args().get(1).constant().stringValue();
    }
    return null;
  }

  /** The expression's value with these variables (JSON-like: maps, lists, strings, numbers). */
  public static Object evaluate(CelAbstractSyntaxTree ast, Map<String, ?> variables) {
    try {
      return CEL.createProgram(ast).eval(variables);
    } catch (CelEvaluationException e) {
      throw new Failed(e.getMessage(), e);
    }
  }
}
