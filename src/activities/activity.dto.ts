import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { LAW_CODE } from '../decisions/decision.dto.js';
import { IsLocalDate, IsMonth } from '../platform/validators.js';
import { ACTIVITY_KINDS, type ActivityKind } from './activity.state.js';

export class ActivityScheduleDto {
  @ApiPropertyOptional({ example: 40, description: 'Hours a week (praktik, SFI); give this or reportsPerMonth' })
  @IsOptional() @IsInt() @Min(1) @Max(60) hoursPerWeek?: number;
  @ApiPropertyOptional({ example: 8, description: 'Reports a month (job search); give this or hoursPerWeek' })
  @IsOptional() @IsInt() @Min(1) @Max(31) reportsPerMonth?: number;
}

export class SetActivityRequirementDto {
  @ApiProperty({ example: 'anna' }) @IsString() @Matches(/^[A-Za-z0-9_-]{1,40}$/) memberId!: string;
  @ApiProperty({ enum: ACTIVITY_KINDS }) @IsIn(ACTIVITY_KINDS) kind!: ActivityKind;
  @ApiPropertyOptional({ example: 'Praktik på Stadsmissionens second hand', description: 'Required when kind is other' })
  @IsOptional() @IsString() @MaxLength(500) description?: string;
  @ApiProperty({ type: ActivityScheduleDto }) @ValidateNested() @Type(() => ActivityScheduleDto) schedule!: ActivityScheduleDto;
  @ApiProperty({ example: '2026-10-01' }) @IsLocalDate() from!: string;
  @ApiPropertyOptional({ example: '2027-03-31', description: 'Omitted: until further notice' }) @IsOptional() @IsLocalDate() to?: string;
  @ApiProperty({ example: 'SoL-aktivitetskrav', description: 'Law code, resolved to the wording in force on `from`' })
  @IsString() @Matches(LAW_CODE, { message: 'legalBasis must be a law code such as SoL-aktivitetskrav' }) legalBasis!: string;
}

export class ReportActivityDto {
  @ApiProperty({ example: '2026-11' }) @IsMonth() period!: string;
  @ApiProperty() @IsBoolean() fulfilled!: boolean;
  @ApiProperty({ type: [String], example: ['Närvarolista praktik november'] })
  @IsArray() @ArrayMaxSize(20) @IsString({ each: true }) @Length(1, 500, { each: true }) evidence!: string[];
}

export class RecordActivityMissDto {
  @ApiProperty({ example: '2026-11' }) @IsMonth() period!: string;
  @ApiProperty({ example: 'Uteblev från praktiken 3–14 november utan att höra av sig' }) @IsString() @Length(1, 2000) description!: string;
}

export class ExcuseActivityMissDto {
  @ApiProperty({ example: 'Sjuk, läkarintyg inlämnat' }) @IsString() @Length(1, 2000) reason!: string;
}

export class EndActivityRequirementDto {
  @ApiProperty({ example: '2026-12-15' }) @IsLocalDate() endedOn!: string;
  @ApiProperty({ example: 'Anna har fått anställning på heltid' }) @IsString() @Length(1, 2000) reason!: string;
}
