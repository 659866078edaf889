// The KSQL dialect Runnel understands: ksqlDB's documented syntax for the statements, clauses and
// expressions listed in docs/sql.md. Keywords are case-insensitive; unquoted identifiers are
// upper-cased by the AST builder, `back-quoted` ones keep their case.
grammar RunnelSql;

options { caseInsensitive = true; }

statements
    : (singleStatement)* EOF
    ;

singleStatement
    : statement ';'
    ;

statement
    : query                                                                     # queryStatement
    | CREATE (OR REPLACE)? kind=(STREAM | TABLE) (IF NOT EXISTS)? sourceName
        tableElements? withProperties?                                          # createSource
    | CREATE (OR REPLACE)? kind=(STREAM | TABLE) (IF NOT EXISTS)? sourceName
        withProperties? AS query                                                # createAsSelect
    | INSERT INTO sourceName withProperties? query                              # insertInto
    | INSERT INTO sourceName ('(' identifier (',' identifier)* ')')?
        VALUES '(' expression (',' expression)* ')'                             # insertValues
    | DROP kind=(STREAM | TABLE) (IF EXISTS)? sourceName (DELETE TOPIC)?        # dropSource
    | (LIST | SHOW) what=(STREAMS | TABLES | QUERIES | TOPICS | PROPERTIES) EXTENDED?   # show
    | (DESCRIBE | DESC) EXTENDED? sourceName                                    # describe
    | TERMINATE (identifier | ALL)                                              # terminate
    | PRINT (identifier | STRING) (FROM BEGINNING)? (LIMIT number)?             # print
    | SET name=STRING EQ value=STRING                                           # setProperty
    | UNSET name=STRING                                                         # unsetProperty
    ;

query
    : SELECT selectItem (',' selectItem)*
      FROM relation
      (WINDOW windowExpression)?
      (WHERE where=expression)?
      (GROUP BY groupBy=expressionList)?
      (PARTITION BY partitionBy=expressionList)?
      (HAVING having=expression)?
      (EMIT emit=(CHANGES | FINAL))?
      (LIMIT limit=number)?
    ;

expressionList
    : expression (',' expression)*
    | '(' expression (',' expression)* ')'
    ;

selectItem
    : ASTERISK                                  # selectAll
    | identifier '.' ASTERISK                   # selectAllFrom
    | expression (AS? identifier)?              # selectSingle
    ;

relation
    : aliasedRelation joinClause*
    ;

joinClause
    : joinType JOIN aliasedRelation withinExpression? ON expression
    ;

joinType
    : INNER?
    | LEFT OUTER?
    | RIGHT OUTER?
    | FULL OUTER?
    ;

withinExpression
    : WITHIN duration gracePeriod?
    | WITHIN '(' before=duration ',' after=duration ')' gracePeriod?
    ;

aliasedRelation
    : sourceName (AS? identifier)?
    ;

windowExpression
    : TUMBLING '(' SIZE size=duration windowOption* ')'                          # tumblingWindow
    | HOPPING '(' SIZE size=duration ',' ADVANCE BY advance=duration windowOption* ')'  # hoppingWindow
    | SESSION '(' gap=duration windowOption* ')'                                 # sessionWindow
    ;

windowOption
    : ',' RETENTION duration
    | ',' gracePeriod
    ;

gracePeriod
    : GRACE PERIOD duration
    ;

duration
    : number identifier
    ;

tableElements
    : '(' tableElement (',' tableElement)* ')'
    ;

tableElement
    : identifier type (PRIMARY? KEY)?
    ;

withProperties
    : WITH '(' property (',' property)* ')'
    ;

property
    : identifier EQ literal
    ;

type
    : ARRAY LT type GT                                         # arrayType
    | MAP LT keyType=type ',' valueType=type GT                # mapType
    | STRUCT LT (identifier type (',' identifier type)*)? GT   # structType
    | identifier ('(' number (',' number)? ')')?               # baseType
    ;

expression
    : booleanExpression
    ;

booleanExpression
    : predicated                                               # booleanDefault
    | NOT booleanExpression                                    # logicalNot
    | left=booleanExpression AND right=booleanExpression       # logicalAnd
    | left=booleanExpression OR right=booleanExpression        # logicalOr
    ;

predicated
    : valueExpression predicate?
    ;

predicate
    : comparisonOperator right=valueExpression                                  # comparison
    | NOT? BETWEEN lower=valueExpression AND upper=valueExpression              # between
    | NOT? IN '(' expression (',' expression)* ')'                              # inList
    | NOT? LIKE pattern=valueExpression (ESCAPE escape=STRING)?                 # like
    | IS NOT? NULL                                                              # nullPredicate
    ;

valueExpression
    : primaryExpression                                                         # valueDefault
    | op=(MINUS | PLUS) valueExpression                                         # arithmeticUnary
    | left=valueExpression op=(ASTERISK | SLASH | PERCENT) right=valueExpression # arithmeticBinary
    | left=valueExpression op=(PLUS | MINUS) right=valueExpression              # arithmeticBinary
    | left=valueExpression CONCAT_OP right=valueExpression                      # concatenation
    ;

primaryExpression
    : literal                                                                   # literalExpression
    | CASE operand=expression whenClause+ (ELSE elseExpression=expression)? END # simpleCase
    | CASE whenClause+ (ELSE elseExpression=expression)? END                    # searchedCase
    | CAST '(' expression AS type ')'                                           # cast
    | ARRAY '[' (expression (',' expression)*)? ']'                             # arrayConstructor
    | MAP '(' (expression ASSIGN expression (',' expression ASSIGN expression)*)? ')'  # mapConstructor
    | STRUCT '(' (identifier ASSIGN expression (',' identifier ASSIGN expression)*)? ')' # structConstructor
    | identifier '(' ASTERISK ')'                                               # functionCallStar
    | identifier '(' (DISTINCT? expression (',' expression)*)? ')'              # functionCall
    | base=primaryExpression '[' index=valueExpression ']'                      # subscript
    | base=primaryExpression ARROW field=identifier                             # dereference
    | qualifier=identifier '.' column=identifier                                # qualifiedColumn
    | identifier                                                                # columnReference
    | '(' expression ')'                                                        # parenthesized
    ;

whenClause
    : WHEN condition=expression THEN result=expression
    ;

comparisonOperator
    : EQ | NEQ | LT | LTE | GT | GTE
    ;

literal
    : NULL                        # nullLiteral
    | (TRUE | FALSE)              # booleanLiteral
    | number                      # numericLiteral
    | STRING                      # stringLiteral
    ;

number
    : DECIMAL_VALUE               # decimalLiteral
    | INTEGER_VALUE               # integerLiteral
    ;

sourceName
    : identifier
    ;

identifier
    : IDENTIFIER                  # unquotedIdentifier
    | QUOTED_IDENTIFIER           # quotedIdentifier
    | nonReserved                 # unquotedIdentifier
    ;

// Keywords that may also name a column, a source or a time unit.
nonReserved
    : STREAMS | TABLES | QUERIES | TOPICS | PROPERTIES | TOPIC | KEY | PRIMARY | SIZE | ADVANCE
    | RETENTION | GRACE | PERIOD | TUMBLING | HOPPING | SESSION | CHANGES | FINAL | BEGINNING
    | EXTENDED | LIST | PRINT | SET | UNSET | TERMINATE | REPLACE | VALUES | DESC | WITHIN
    | EMIT | MAP | STRUCT | ARRAY | LIMIT | WINDOW
    ;

SELECT: 'SELECT';
FROM: 'FROM';
AS: 'AS';
WHERE: 'WHERE';
GROUP: 'GROUP';
BY: 'BY';
HAVING: 'HAVING';
PARTITION: 'PARTITION';
EMIT: 'EMIT';
CHANGES: 'CHANGES';
FINAL: 'FINAL';
LIMIT: 'LIMIT';
WINDOW: 'WINDOW';
TUMBLING: 'TUMBLING';
HOPPING: 'HOPPING';
SESSION: 'SESSION';
SIZE: 'SIZE';
ADVANCE: 'ADVANCE';
RETENTION: 'RETENTION';
GRACE: 'GRACE';
PERIOD: 'PERIOD';
JOIN: 'JOIN';
INNER: 'INNER';
LEFT: 'LEFT';
RIGHT: 'RIGHT';
FULL: 'FULL';
OUTER: 'OUTER';
ON: 'ON';
WITHIN: 'WITHIN';
CREATE: 'CREATE';
OR: 'OR';
REPLACE: 'REPLACE';
STREAM: 'STREAM';
TABLE: 'TABLE';
IF: 'IF';
NOT: 'NOT';
EXISTS: 'EXISTS';
WITH: 'WITH';
INSERT: 'INSERT';
INTO: 'INTO';
VALUES: 'VALUES';
DROP: 'DROP';
DELETE: 'DELETE';
TOPIC: 'TOPIC';
LIST: 'LIST';
SHOW: 'SHOW';
STREAMS: 'STREAMS';
TABLES: 'TABLES';
QUERIES: 'QUERIES';
TOPICS: 'TOPICS';
PROPERTIES: 'PROPERTIES';
EXTENDED: 'EXTENDED';
DESCRIBE: 'DESCRIBE';
DESC: 'DESC';
TERMINATE: 'TERMINATE';
ALL: 'ALL';
PRINT: 'PRINT';
BEGINNING: 'BEGINNING';
SET: 'SET';
UNSET: 'UNSET';
PRIMARY: 'PRIMARY';
KEY: 'KEY';
AND: 'AND';
BETWEEN: 'BETWEEN';
IN: 'IN';
LIKE: 'LIKE';
ESCAPE: 'ESCAPE';
IS: 'IS';
NULL: 'NULL';
TRUE: 'TRUE';
FALSE: 'FALSE';
CASE: 'CASE';
WHEN: 'WHEN';
THEN: 'THEN';
ELSE: 'ELSE';
END: 'END';
CAST: 'CAST';
ARRAY: 'ARRAY';
MAP: 'MAP';
STRUCT: 'STRUCT';
DISTINCT: 'DISTINCT';

EQ: '=';
NEQ: '<>' | '!=';
LTE: '<=';
GTE: '>=';
LT: '<';
GT: '>';
PLUS: '+';
MINUS: '-';
ASTERISK: '*';
SLASH: '/';
PERCENT: '%';
CONCAT_OP: '||';
ARROW: '->';
ASSIGN: ':=';

STRING
    : '\'' ( ~'\'' | '\'\'' )* '\''
    ;

INTEGER_VALUE
    : DIGIT+
    ;

DECIMAL_VALUE
    : DIGIT+ '.' DIGIT*
    | '.' DIGIT+
    | DIGIT+ ('.' DIGIT*)? EXPONENT
    | '.' DIGIT+ EXPONENT
    ;

IDENTIFIER
    : (LETTER | '_') (LETTER | DIGIT | '_' | '@')*
    ;

QUOTED_IDENTIFIER
    : '`' ( ~'`' | '``' )* '`'
    ;

fragment EXPONENT: 'E' [+-]? DIGIT+;
fragment DIGIT: [0-9];
fragment LETTER: [A-Z];

SIMPLE_COMMENT: '--' ~[\r\n]* '\r'? '\n'? -> channel(HIDDEN);
BRACKETED_COMMENT: '/*' .*? '*/' -> channel(HIDDEN);
WS: [ \r\n\t]+ -> channel(HIDDEN);

// Any other character: a token the parser rejects with a clear line:column message.
UNRECOGNIZED: .;
