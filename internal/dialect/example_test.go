package dialect_test

import (
	"fmt"

	"github.com/xwb1989/sqlparser"

	"github.com/dot-do/vitessdo/internal/dialect"
)

func ExampleRender() {
	stmt, err := sqlparser.Parse("select id, Name from Users where state = ? order by id limit ?, ?")
	if err != nil {
		panic(err)
	}
	tpl, err := dialect.Render(dialect.PostgreSQL, stmt, nil)
	if err != nil {
		panic(err)
	}
	query, args, err := tpl.Bind(map[string]any{"v1": "active", "v2": 20, "v3": 10})
	if err != nil {
		panic(err)
	}
	fmt.Println(query)
	fmt.Println(args)
	// Output:
	// SELECT "id", "name" AS "Name" FROM "users" WHERE "state" = $1 ORDER BY "id" ASC NULLS FIRST LIMIT $2 OFFSET $3
	// [active 10 20]
}

func ExampleParseDDL() {
	stmt, err := dialect.ParseDDL("CREATE TABLE `Orders` (id bigint NOT NULL AUTO_INCREMENT, user_id bigint, " +
		"PRIMARY KEY (id), KEY by_user (user_id), " +
		"CONSTRAINT fk_user FOREIGN KEY (user_id) REFERENCES users (id)) ENGINE=InnoDB")
	if err != nil {
		panic(err)
	}
	ct := stmt.(*dialect.CreateTable)
	fmt.Println(len(ct.ForeignKeys), "foreign key, to", ct.ForeignKeys[0].RefTable)
	ct.ForeignKeys = nil // a sharded keyspace cannot enforce it
	tpls, err := dialect.RenderDDL(dialect.SQLite, ct)
	if err != nil {
		panic(err)
	}
	for _, tpl := range tpls {
		fmt.Println(tpl)
	}
	// Output:
	// 1 foreign key, to users
	// CREATE TABLE `orders` (`id` INTEGER /*mysql:bigint auto_increment*/ PRIMARY KEY AUTOINCREMENT, `user_id` INTEGER /*mysql:bigint*/)
	// CREATE INDEX `orders_by_user` ON `orders` (`user_id`)
}
